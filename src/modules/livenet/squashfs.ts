/**
 * squashfs.img: making it, and publishing it so that a node booting at any
 * moment downloads either the old or the new image, never a partial one.
 */
import { join } from 'node:path';
import { availableParallelism } from 'node:os';
import { temporarySibling } from '../../core/state/atomic-file.js';
import { run } from '../../system/runner.js';
import { percentRelay, silentProgress, type ProgressSink } from '../../core/progress.js';
import type { Compression } from './options.js';
import { epochEnvironment } from './reproducible.js';

export const SQUASHFS_FILE = 'squashfs.img';

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
  progress: ProgressSink = silentProgress, step = 'make squashfs.img', epoch?: number): Promise<void> {
  // With an epoch, mksquashfs writes it as the creation time and clamps later file times to it (see reproducible.ts).
  await run(['mksquashfs', source, output, '-noappend', '-quiet', ...compressionArguments(compression),
    '-processors', String(availableParallelism())], { timeoutMs: 4 * 3600_000, signal, onStdout: percentRelay(progress, step),
    env: epoch === undefined ? undefined : epochEnvironment(epoch) });
}

/**
 * A fresh name for a new squashfs in the image folder before it is published:
 * a temporary name carrying the pid, so the sweep of every command removes it
 * after a kill (see core/state/leftovers.ts).
 */
export function pendingSquashfs(imageDir: string): string {
  return temporarySibling(join(imageDir, SQUASHFS_FILE));
}
