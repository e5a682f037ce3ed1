/**
 * One clear line for a full disk: which file system (named by the folder the
 * tool was writing into), how much is free, and the fix. Every layer that
 * writes turns its ENOSPC into this error instead of a raw system error.
 */
import { statfsSync } from 'node:fs';
import { dirname } from 'node:path';
import { OperationError } from '../../errors/index.js';

/** Whether `error` says the disk (or its inodes, or a quota) is exhausted. */
export function isDiskFull(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT') return true;
  // Tools report it on stderr (cp, mkfs.ext4, mksquashfs, dd).
  const stderr = (error as { stderr?: unknown } | undefined)?.stderr;
  return typeof stderr === 'string' && /no space left on device|disk quota exceeded/i.test(stderr);
}

/** Free space of the file system holding `path` (or its nearest existing parent), in MiB; undefined if unknown. */
export function freeMiB(path: string): number | undefined {
  for (let current = path; ; current = dirname(current)) {
    try {
      const stats = statfsSync(current);
      return Math.floor((stats.bavail * stats.bsize) / (1024 * 1024));
    } catch {
      if (dirname(current) === current) return undefined;
    }
  }
}

/**
 * The E_NO_SPACE error for a write into `folder` (returned, for the caller
 * to throw), naming the free MiB when known. `setting` names what the user
 * may move instead (e.g. `workDir`), when the folder is configurable.
 */
export function noSpaceError(folder: string, cause?: unknown, setting?: string): OperationError {
  const free = freeMiB(folder);
  const fix = setting ? `free space there or move ${setting} (diskless.yml paths)` : 'free space there';
  return new OperationError('E_NO_SPACE',
    `no space left on the file system holding ${folder}${free === undefined ? '' : ` (${free} MiB free)`}`, fix, { cause });
}

/**
 * {@link noSpaceError} for a raw system error (ENOSPC), naming the folder of
 * its path when it has one: an OperationError E_NO_SPACE, returned for the
 * caller to throw.
 */
export function diskFullError(error: unknown): OperationError {
  const path = (error as NodeJS.ErrnoException).path;
  if (path) return noSpaceError(dirname(path), error);
  return new OperationError('E_NO_SPACE', 'no space left on a file system the tool writes to', 'free space (see `df`) and run the command again',
    { cause: error });
}

/**
 * For a disk-full failure of a command (whose stderr rarely names the file):
 * the E_NO_SPACE error of the folder, among `folders` (setting name → path),
 * whose file system has the least free space.
 */
export function fullestFolderError(folders: Readonly<Record<string, string>>, cause: unknown): OperationError {
  let fullest: [string, string] | undefined;
  let least = Infinity;
  for (const [setting, folder] of Object.entries(folders)) {
    const free = freeMiB(folder) ?? Infinity;
    if (!fullest || free < least) [fullest, least] = [[setting, folder], free];
  }
  return fullest ? noSpaceError(fullest[1], cause, fullest[0]) : diskFullError(cause);
}
