/**
 * Running programs inside an OS tree (dracut in `kernel initramfs --chroot`,
 * `livenet shell`): the tree gets a fixed, minimal environment instead of
 * the caller's, and /proc, /sys and /dev bound from the host.
 *
 * Why not the caller's environment: what makes sense on the host often does
 * not exist in the tree (a TMPDIR folder, a PATH entry, a locale, a HOME)
 * and makes the program fail there, and the same command must build the same
 * initramfs whoever runs it.
 */
import { lstat, mkdir, realpath } from 'node:fs/promises';
import { join } from 'node:path';
import { OperationError, UsageError } from '../errors/index.js';
import { mount, unmountTree } from './mount.js';

/** Host file systems a chrooted program needs, in mount order. */
export const SYSTEM_DIRS = ['proc', 'sys', 'dev'] as const;

/** PATH inside a tree: the standard system folders, nothing of the caller's. */
export const CHROOT_PATH = '/usr/sbin:/usr/bin:/sbin:/bin';

/** Options of {@link chrootCommand}. */
export interface ChrootCommandOptions {
  /**
   * Terminal type for an interactive shell (e.g. the caller's TERM); only a
   * plain name is accepted, anything else becomes `dumb`.
   */
  terminal?: string;
}

/**
 * The complete environment of a program run in a tree, as `NAME=value`
 * strings: PATH, HOME=/root, LANG=C (the one locale every tree has),
 * TERM, and nothing else (no TMPDIR: programs fall back to /tmp or /var/tmp
 * of the tree).
 */
export function chrootEnvironment(options: ChrootCommandOptions = {}): string[] {
  const terminal = options.terminal !== undefined && /^[\w.+-]{1,64}$/.test(options.terminal) ? options.terminal : 'dumb';
  return [`PATH=${CHROOT_PATH}`, 'HOME=/root', 'LANG=C', 'LC_ALL=C', `TERM=${terminal}`];
}

/**
 * Argument array that runs `command` chrooted in `tree` with only
 * {@link chrootEnvironment}: `env -i` drops everything the caller had
 * (run() always passes the current environment on). Give it to run().
 */
export function chrootCommand(tree: string, command: readonly string[], options: ChrootCommandOptions = {}): string[] {
  return ['env', '-i', ...chrootEnvironment(options), 'chroot', tree, ...command];
}

/**
 * Binds the host's /proc, /sys and /dev into `tree` (creating the mount
 * points). /dev is bound recursively, so /dev/pts and /dev/shm (needed by
 * package managers and terminals) come along. Every bind is made a slave:
 * mounts and unmounts below it never propagate back to the host (unmounting
 * a shared recursive bind of /dev would unmount the host's /dev/pts).
 * Binds left there by a killed earlier run are undone first, never
 * stacked. Undo with {@link unbindSystemDirs}, also on failure.
 * @throws UsageError E_TREE_SYSTEM_LINK when `tree/proc`, `sys` or `dev` is
 *   a symbolic link or not a folder (mount would follow the link and bind
 *   over a host folder).
 * @throws OperationError E_UNSAFE_PATH when `tree` resolves to `/`.
 */
export async function bindSystemDirs(tree: string): Promise<void> {
  await refuseHostRoot(tree);
  for (const system of SYSTEM_DIRS) {
    const target = join(tree, system);
    await unmountTree(target);
    const found = await lstat(target).catch(() => undefined);
    if (found && !found.isDirectory()) {
      throw new UsageError('E_TREE_SYSTEM_LINK', `${target} is ${found.isSymbolicLink() ? 'a symbolic link' : 'not a folder'}`,
        `make /${system} a plain empty folder in the OS tree`);
    }
    await mkdir(target, { recursive: true });
    await mount([system === 'dev' ? '--rbind' : '--bind', `/${system}`, target]);
    await mount(['--make-rslave', target]);
  }
}

/**
 * Last guard under every caller's own checks: the tree `/` would make the
 * binds' first step unmount the host's /proc, /sys and /dev.
 */
async function refuseHostRoot(tree: string): Promise<void> {
  if ((await realpath(tree).catch(() => tree)) === '/') {
    throw new OperationError('E_UNSAFE_PATH', 'refusing to bind /proc, /sys and /dev into / (the host itself)', 'give the folder of an OS tree');
  }
}

/**
 * Undoes {@link bindSystemDirs} (and whatever is mounted below those
 * folders, deepest first); safe to call when nothing is bound.
 * @throws OperationError E_UNSAFE_PATH when a folder resolves to `/`.
 */
export async function unbindSystemDirs(tree: string): Promise<void> {
  await refuseHostRoot(tree);
  for (const system of [...SYSTEM_DIRS].reverse()) await unmountTree(join(tree, system));
}
