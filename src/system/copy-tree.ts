/**
 * Copies of whole OS trees (a staging image into a golden image, a golden
 * image into one tree per node). On file systems that can share blocks
 * between files (XFS with reflink, btrfs) a copy only duplicates metadata:
 * thousands of node trees then cost little more than their inodes. Elsewhere
 * the copy is a real one, and callers run several at once.
 */
import { constants } from 'node:fs';
import { copyFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { assertNothingMounted } from './mount.js';
import { run } from './runner.js';

/** How a tree is copied: `reflink` shares data blocks, `full` duplicates them. */
export type CopyMode = 'reflink' | 'full';

/**
 * Whether files in `dir` can be cloned (FICLONE), tested on a real probe file
 * because the answer depends on the file system and its format options
 * (XFS made without `-m reflink=1` cannot).
 */
export async function probeCopyMode(dir: string): Promise<CopyMode> {
  const tag = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const source = join(dir, `.reflink-probe-${tag}`);
  const clone = `${source}.clone`;
  try {
    // A non-empty file: some file systems accept cloning empty files and nothing else.
    await writeFile(source, randomBytes(4096));
    await copyFile(source, clone, constants.COPYFILE_FICLONE_FORCE);
    return 'reflink';
  } catch {
    return 'full';
  } finally {
    await rm(source, { force: true });
    await rm(clone, { force: true });
  }
}

/**
 * The pid in the name of a probe file of {@link probeCopyMode}, or undefined
 * for any other name: a killed process leaves its probe behind, and whoever
 * sweeps `dir` deletes the probes of processes that no longer run.
 */
export function probeFilePid(name: string): number | undefined {
  const pid = /^\.reflink-probe-(\d+)-[0-9a-f]{8}(?:\.clone)?$/.exec(name)?.[1];
  return pid === undefined ? undefined : Number(pid);
}

/** How many copies of `mode` to run at once on this host. */
export function defaultCopyJobs(mode: CopyMode): number {
  // A clone mostly waits on the file system's journal, and concurrent clones share its flushes:
  // on XFS over a loop device, 16 at once on 2 cores cloned files twice as fast as 4 at once.
  // Full copies are bound by the disk and gain little past a few.
  const cores = availableParallelism();
  return mode === 'reflink' ? Math.min(32, Math.max(4, cores * 8)) : Math.min(4, Math.max(2, cores));
}

/** Options of {@link copyTree}. */
export interface CopyTreeOptions {
  mode: CopyMode;
  signal?: AbortSignal;
  /** Kill the copy after this long (default: no limit). */
  timeoutMs?: number;
}

/**
 * Copies the folder `source` to `target` (which must not exist) keeping
 * owners, modes, times, links, hard links, ACLs, xattrs and SELinux labels.
 * `cp` does this better than anything in Node: it alone preserves xattrs.
 * @throws CommandError E_COMMAND_NOT_FOUND, E_COMMAND_FAILED, E_COMMAND_TIMEOUT, E_COMMAND_ABORTED (see `run`).
 */
export async function copyTree(source: string, target: string, options: CopyTreeOptions): Promise<void> {
  await assertNothingMounted(source);
  const reflink = options.mode === 'reflink' ? '--reflink=always' : '--reflink=auto';
  await run(['cp', '-a', reflink, '--no-target-directory', '--', source, target],
    { signal: options.signal, timeoutMs: options.timeoutMs });
}

/**
 * Runs `work` over `items` with at most `jobs` running at once. Every item is
 * attempted unless the signal fires; results come back in `items` order, each
 * settled, so a caller can keep what succeeded and report what failed.
 */
export async function runPool<T, R>(items: readonly T[], jobs: number,
  work: (item: T) => Promise<R>, signal?: AbortSignal): Promise<PromiseSettledResult<R>[]> {
  const results: PromiseSettledResult<R>[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next;
      next += 1;
      const item = items[index] as T;
      try {
        signal?.throwIfAborted();
        results[index] = { status: 'fulfilled', value: await work(item) };
      } catch (reason) {
        results[index] = { status: 'rejected', reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(jobs, items.length)) }, worker));
  return results;
}
