/**
 * Deletion of tool-owned paths. Paths come from state files that a user (or a
 * corruption) could have changed, so nothing outside the tool's own folders
 * is ever deleted, and mounts below a path are undone first so that a recursive
 * delete can never reach into a bind-mounted /proc, /sys, /dev or host folder.
 */
import { rm } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import { OperationError } from '../errors.js';
import { unmountTree } from '../../system/mount.js';

/** Whether `path` lies strictly inside one of `roots`. */
export function isInside(path: string, roots: readonly string[]): boolean {
  const target = resolve(path);
  return roots.some((root) => target.startsWith(resolve(root) + sep));
}

/** Unmounts anything below `path`, then deletes it recursively. Refuses paths outside `roots`. */
export async function removeManagedPath(path: string, roots: readonly string[]): Promise<void> {
  if (!isInside(path, roots)) {
    throw new OperationError('E_UNSAFE_PATH', `refusing to delete ${path}: it is outside the folders disklessset manages`,
      'remove it by hand if it really belongs to an image');
  }
  await unmountTree(path);
  await rm(path, { recursive: true, force: true, maxRetries: 3 });
}
