/**
 * mount/umount wrappers. Mount points are read from /proc/self/mountinfo, so
 * unmounting a tree finds every nested mount (binds of /proc, /sys, /dev).
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ConflictError, OperationError } from '../errors/index.js';
import { run } from './runner.js';

/** Decodes the octal escapes mountinfo uses for spaces and the like. */
function decodeMountPath(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_m, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

/** One mount of this process's namespace. */
export interface MountEntry {
  mountPoint: string;
  /** File system type (`ext4`, `proc`, `sysfs`, ...). */
  fsType: string;
}

/** Every current mount of this process's namespace, in mount order. */
export async function listMounts(): Promise<MountEntry[]> {
  let text: string;
  try {
    text = await readFile('/proc/self/mountinfo', 'utf8');
  } catch {
    return [];
  }
  return text.split('\n').filter(Boolean).map((line) => {
    // Optional fields end at " - ", after which comes the file system type.
    const [before = '', after = ''] = line.split(' - ');
    return { mountPoint: decodeMountPath(before.split(' ')[4] ?? ''), fsType: after.split(' ')[0] ?? '' };
  });
}

/** Every current mount point of this process's namespace. */
async function listMountPoints(): Promise<string[]> {
  return (await listMounts()).map((entry) => entry.mountPoint);
}

/** Mount points at or below `path`, deepest first (the order to unmount them in). */
export async function mountsUnder(path: string): Promise<string[]> {
  const base = resolve(path);
  const below = base === '/' ? '/' : `${base}/`;
  return (await listMountPoints())
    .filter((mountPoint) => mountPoint === base || mountPoint.startsWith(below))
    .sort((a, b) => b.length - a.length);
}

/**
 * Runs `mount` with the given arguments (2 minutes at most).
 * @throws CommandError E_COMMAND_NOT_FOUND, E_COMMAND_FAILED or E_COMMAND_TIMEOUT (see `run`).
 */
export async function mount(args: readonly string[]): Promise<void> {
  await run(['mount', ...args], { timeoutMs: 120_000 });
}

/**
 * Unmounts everything at or below `path`, deepest first. A busy mount is
 * detached lazily rather than left behind, so a clean always completes.
 * @throws OperationError E_UNSAFE_PATH when `path` is `/`.
 */
export async function unmountTree(path: string): Promise<void> {
  // Never the whole system, whatever a state file says.
  if (resolve(path) === '/') throw new OperationError('E_UNSAFE_PATH', 'refusing to unmount everything below /', 'name the mount point to undo');
  for (const mountPoint of await mountsUnder(path)) {
    const result = await run(['umount', mountPoint], { timeoutMs: 120_000, allowFailure: true });
    if (result.exitCode !== 0) await run(['umount', '-l', mountPoint], { timeoutMs: 120_000, allowFailure: true });
  }
}

/**
 * Refuses a tree with file systems mounted in it: copying it would copy the
 * host's files (e.g. /proc or /dev bound for a chroot and left by a killed
 * command), or never end.
 * @throws ConflictError E_TREE_MOUNTED naming up to three of the mount points.
 */
export async function assertNothingMounted(tree: string): Promise<void> {
  // The tree may itself be a mount point (a dedicated file system): only what is below it counts.
  const mounted = (await mountsUnder(tree)).filter((mountPoint) => mountPoint !== resolve(tree));
  if (mounted.length > 0) {
    throw new ConflictError('E_TREE_MOUNTED', `${tree} has file systems mounted in it: ${mounted.slice(0, 3).join(', ')}`,
      `unmount them first (umount ${mounted[0]}), or give a tree that is not in use`);
  }
}
