/**
 * Deletion of tool-owned paths. Paths come from state files that a user (or a
 * corruption) could have changed, so nothing outside the tool's own folders
 * is ever deleted, and mounts below a path are undone first so that a recursive
 * delete can never reach into a bind-mounted /proc, /sys, /dev or host folder.
 *
 * "Inside" is decided on real paths: every symbolic link in the parent chain is
 * followed, so a link inside a managed folder that points elsewhere cannot lead
 * a delete out of it. The last component itself is not followed: deleting a
 * link removes the link, never what it points to.
 */
import { realpathSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { OperationError } from '../../errors/index.js';
import { unmountTree } from '../../system/mount.js';

/**
 * `path` made absolute with every symbolic link of its existing part followed
 * (missing trailing components are kept as given).
 */
export function realPathOf(path: string): string {
  const absolute = resolve(path);
  const missing: string[] = [];
  let existing = absolute;
  for (;;) {
    try {
      return join(realpathSync.native(existing), ...missing.reverse());
    } catch {
      const parent = dirname(existing);
      if (parent === existing) return absolute;
      missing.push(basename(existing));
      existing = parent;
    }
  }
}

/** `path` with the links of its parent chain followed; the last component kept as it is. */
function physicalEntry(path: string): string {
  const absolute = resolve(path);
  return absolute === sep ? absolute : join(realPathOf(dirname(absolute)), basename(absolute));
}

/** Whether `path` lies strictly inside one of `roots`, links of its parent chain and of the roots followed. */
export function isInside(path: string, roots: readonly string[]): boolean {
  const target = physicalEntry(path);
  return roots.some((root) => target.startsWith(realPathOf(root) + sep));
}

/**
 * Whether `path` is one of `locations` or lies inside one, links of its parent
 * chain and of the locations followed (the locations an image owns, where a
 * journaled path may be deleted).
 */
export function isWithin(path: string, locations: readonly string[]): boolean {
  const target = physicalEntry(path);
  return locations.some((location) => {
    const real = realPathOf(location);
    return target === real || target.startsWith(real + sep);
  });
}

/**
 * Unmounts anything below `path`, then deletes it recursively.
 * @throws OperationError E_UNSAFE_PATH when `path` (links of its parent chain followed) is not inside `roots`.
 */
export async function removeManagedPath(path: string, roots: readonly string[]): Promise<void> {
  const target = physicalEntry(path);
  if (!roots.some((root) => target.startsWith(realPathOf(root) + sep))) {
    throw new OperationError('E_UNSAFE_PATH', `refusing to delete ${path}: it is outside the folders disklessset manages`,
      'remove it by hand if it really belongs to an image');
  }
  // The resolved path is what is deleted, so a link swapped in the chain afterwards changes nothing.
  await unmountTree(target);
  await rm(target, { recursive: true, force: true, maxRetries: 3 });
}
