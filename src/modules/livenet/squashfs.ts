/**
 * squashfs.img: making it, and publishing it so that a node booting at any
 * moment downloads either the old or the new image, never a partial one.
 */
import { link, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { availableParallelism } from 'node:os';
import { NotFoundError } from '../../errors/index.js';
import { fsyncDirectory } from '../../core/state/atomic-file.js';
import { run } from '../../system/runner.js';
import { percentRelay, silentProgress, type ProgressSink } from '../../core/progress.js';
import type { Compression } from './options.js';

export const SQUASHFS_FILE = 'squashfs.img';
export const PREVIOUS_SQUASHFS_FILE = 'squashfs.img.previous';

/**
 * Compressor arguments. zstd level 8 squeezes about as well as gzip's default
 * in a fraction of the time (measured in docs/benchmarks.md).
 */
export function compressionArguments(compression: Compression): string[] {
  if (compression === 'zstd') return ['-comp', 'zstd', '-Xcompression-level', '8'];
  return ['-comp', compression];
}

/**
 * Squashes the content of `source` into `output` on every processor. The
 * percentage of mksquashfs's own bar (`-quiet` keeps only the bar on stdout)
 * is relayed to `progress` as `percent` events of `step`.
 */
export async function makeSquashfs(source: string, output: string, compression: Compression, signal?: AbortSignal,
  progress: ProgressSink = silentProgress, step = 'make squashfs.img'): Promise<void> {
  await run(['mksquashfs', source, output, '-noappend', '-quiet', ...compressionArguments(compression),
    '-processors', String(availableParallelism())], { timeoutMs: 4 * 3600_000, signal, onStdout: percentRelay(progress, step) });
}

/** Name of the file a new squashfs is written to before it is published. */
export function pendingSquashfs(imageDir: string): string {
  return join(imageDir, `.${SQUASHFS_FILE}.new`);
}

/**
 * Makes `pending` the image's squashfs.img by rename; the previous one (if
 * any) stays as squashfs.img.previous. squashfs.img exists at every moment.
 */
export async function publishSquashfs(imageDir: string, pending: string): Promise<void> {
  const current = join(imageDir, SQUASHFS_FILE);
  const previous = join(imageDir, PREVIOUS_SQUASHFS_FILE);
  if (await stat(current).catch(() => undefined)) {
    // A hard link keeps the old image reachable under its new name while squashfs.img stays in place.
    const keep = `${previous}.new`;
    await rm(keep, { force: true });
    await link(current, keep);
    await rename(keep, previous);
  }
  await rename(pending, current);
  await fsyncDirectory(imageDir);
}

/**
 * Swaps squashfs.img and squashfs.img.previous (both stay present).
 * @throws NotFoundError E_NO_PREVIOUS when there is no previous image.
 */
export async function swapWithPrevious(imageDir: string): Promise<void> {
  const current = join(imageDir, SQUASHFS_FILE);
  const previous = join(imageDir, PREVIOUS_SQUASHFS_FILE);
  if (!(await stat(previous).catch(() => undefined))) {
    throw new NotFoundError('E_NO_PREVIOUS', `there is no previous image in ${imageDir}`, 'rollback works after a rebuild, unmount or resize');
  }
  const keep = `${previous}.swap`;
  await rm(keep, { force: true });
  await link(current, keep);
  await rename(previous, current);
  await rename(keep, previous);
  await fsyncDirectory(imageDir);
}
