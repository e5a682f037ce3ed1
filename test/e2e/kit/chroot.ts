/**
 * Running a program inside the kit's OS tree and removing half-built trees
 * without ever descending into a leaked bind mount (deleting through a bind
 * of /dev would delete the host's device nodes). Both go through the
 * product's own helpers (src/system/chroot.ts, src/system/mount.ts), so the
 * kit enters a chroot exactly as `kernel initramfs --chroot` does.
 */
import { rm } from 'node:fs/promises';
import type { RunOptions, RunResult } from '../../../src/system/runner.js';
import { run } from '../../../src/system/runner.js';
import { OperationError } from '../../../src/errors/index.js';
import { bindSystemDirs, chrootCommand, unbindSystemDirs } from '../../../src/system/chroot.js';
import { mountsUnder, unmountTree } from '../../../src/system/mount.js';

/**
 * Removes a directory tree after unmounting what is mounted below it; refuses
 * (throws) when a mount survives, rather than deleting through it.
 */
export async function removeTreeSafely(dir: string): Promise<void> {
  await unmountTree(dir);
  const left = await mountsUnder(dir);
  if (left.length > 0) {
    throw new OperationError('E_E2E_MOUNT_LEFT', `refusing to delete ${dir}: still mounted: ${left.join(', ')}`,
      'unmount those paths by hand, then delete the directory');
  }
  await rm(dir, { recursive: true, force: true });
}

/**
 * Runs `command` chrooted into `tree` (with the product's minimal environment)
 * with the host's /proc, /sys and /dev bound for the duration of the call,
 * and always unbinds them afterwards. `options.env` does not reach the command.
 */
export async function runInChroot(tree: string, command: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  try {
    await bindSystemDirs(tree);
    return await run(chrootCommand(tree, command), options);
  } finally {
    await unbindSystemDirs(tree);
  }
}
