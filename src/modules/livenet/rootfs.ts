/**
 * LiveOS/rootfs.img: an ext4 file system of exactly the requested size, made
 * from a tree with `mkfs.ext4 -d` (no mount), and resized in place with
 * e2fsprogs.
 */
import { open, stat, truncate } from 'node:fs/promises';
import { OperationError, UsageError } from '../../errors/index.js';
import { CommandError, run } from '../../system/runner.js';
import { freeMiB, isDiskFull, noSpaceError } from '../../core/state/disk-full.js';
import { dirname } from 'node:path';
import { epochEnvironment, fixInodeTimes } from './reproducible.js';

const MIB = 1024 * 1024;
/** ext4 metadata (inode tables, journal, group descriptors) takes about this share of a small file system. */
const METADATA_SHARE = 0.08;

/** Disk usage of a tree in bytes and its number of entries. */
export async function treeUsage(tree: string, signal?: AbortSignal): Promise<{ bytes: number; entries: number }> {
  const du = await run(['du', '-s', '-x', '--block-size=1', tree], { timeoutMs: 3600_000, signal });
  const bytes = Number(du.stdout.split(/\s/)[0] ?? 0);
  const count = await run(['find', tree, '-xdev', '-printf', '.'], { timeoutMs: 3600_000, signal, maxBuffer: 1 << 30 });
  return { bytes, entries: count.stdout.length };
}

/** E_TREE_TOO_BIG: the tree needs `neededMiB`, more than `sizeMiB`; the fix names a size with a 10% margin, rounded up to 100 MiB. */
export function treeTooBig(sizeMiB: number, neededMiB: number): UsageError {
  const advised = Math.ceil((neededMiB * 1.1) / 100) * 100;
  return new UsageError('E_TREE_TOO_BIG', `the OS tree needs at least ${neededMiB} MiB but the image size is ${sizeMiB} MiB`,
    `pass --size ${advised}M`);
}

/** MiB the tree needs in an ext4 file system (estimate, a little generous). */
export function neededMiB(usage: { bytes: number; entries: number }): number {
  return Math.ceil((usage.bytes + usage.entries * 256) / MIB / (1 - METADATA_SHARE)) + 16;
}

/** What makes two builds of one image give the same bytes (see reproducible.ts). */
export interface ReproducibleSettings {
  /** Seconds since 1970: every time written. */
  epoch: number;
  /** File system UUID and directory hash seed. */
  uuid: string;
  /** A folder outside the tree and the image's stage for debugfs's command file. */
  scratch: string;
}

/**
 * Makes `image` (sparse file of `sizeMiB`) an ext4 file system holding `tree`;
 * with `reproducible`, the same tree gives the same bytes.
 * Refused with E_TREE_TOO_BIG when the tree does not fit; E_NO_SPACE (naming
 * `workFolder`, default the image's folder) when the host's file system is full.
 */
export async function makeRootfs(tree: string, image: string, sizeMiB: number, signal?: AbortSignal, workFolder = dirname(image),
  reproducible?: ReproducibleSettings): Promise<void> {
  const needed = neededMiB(await treeUsage(tree, signal));
  if (needed > sizeMiB) throw treeTooBig(sizeMiB, needed);
  const handle = await open(image, 'w', 0o600);
  try {
    await handle.truncate(sizeMiB * MIB);
  } finally {
    await handle.close();
  }
  try {
    const fixed = reproducible ? ['-U', reproducible.uuid, '-E', `hash_seed=${reproducible.uuid}`] : [];
    await run(['mkfs.ext4', '-q', '-F', '-L', 'rootfs', '-m', '1', '-b', '4096', ...fixed, '-d', tree, image],
      { timeoutMs: 3600_000, signal, env: reproducible ? epochEnvironment(reproducible.epoch) : undefined });
    if (reproducible) await fixInodeTimes(image, tree, reproducible.epoch, reproducible.scratch, signal);
  } catch (error) {
    // The host's file system full (mkfs cannot write the sparse file's blocks) is not a too small image.
    const free = freeMiB(dirname(image));
    if (isDiskFull(error) || (free !== undefined && free < needed)) throw noSpaceError(workFolder, error, 'workDir');
    if (error instanceof CommandError && /space|allocate|inode/i.test(error.stderr)) throw treeTooBig(sizeMiB, needed);
    throw error;
  }
}

/**
 * Smallest size in MiB the file system can be shrunk to (resize2fs -P), after a check.
 * @throws OperationError E_FS_DAMAGED (see {@link checkFs}), E_RESIZE when
 * resize2fs gives no size; CommandError when resize2fs or dumpe2fs fails.
 */
export async function minimumMiB(image: string, signal?: AbortSignal): Promise<number> {
  await checkFs(image, signal);
  const result = await run(['resize2fs', '-P', image], { timeoutMs: 600_000, signal });
  const blocks = Number(/:\s*(\d+)\s*$/m.exec(result.stdout)?.[1] ?? NaN);
  const info = await run(['dumpe2fs', '-h', image], { timeoutMs: 60_000, signal });
  const blockSize = Number(/^Block size:\s*(\d+)/m.exec(info.stdout)?.[1] ?? 4096);
  if (!Number.isFinite(blocks)) throw new OperationError('E_RESIZE', `cannot read the minimum size of ${image}`, 'run e2fsck on it');
  return Math.ceil((blocks * blockSize) / MIB);
}

/**
 * Forced e2fsck that repairs what it can; exit codes 0-2 mean the file system is fine now.
 * @throws OperationError E_FS_DAMAGED for a higher exit code; CommandError
 * E_COMMAND_NOT_FOUND, E_COMMAND_TIMEOUT (1 hour), E_COMMAND_ABORTED.
 */
export async function checkFs(image: string, signal?: AbortSignal): Promise<void> {
  const result = await run(['e2fsck', '-f', '-y', image], { timeoutMs: 3600_000, signal, allowFailure: true });
  if (result.exitCode > 2) {
    throw new OperationError('E_FS_DAMAGED', `e2fsck could not repair ${image} (exit ${result.exitCode})`, 'inspect it with e2fsck by hand');
  }
}

/**
 * Resizes the ext4 image in place: growing extends the file then the file
 * system; shrinking shrinks the file system then the file. Refuses a size the
 * content does not fit (E_TREE_TOO_BIG).
 */
export async function resizeRootfs(image: string, sizeMiB: number, signal?: AbortSignal): Promise<void> {
  const current = Math.round((await stat(image)).size / MIB);
  const minimum = await minimumMiB(image, signal);
  // Room for writes at run time and for resize2fs's own rounding.
  if (sizeMiB < Math.ceil(minimum * 1.05) + 8) throw treeTooBig(sizeMiB, Math.ceil(minimum * 1.05) + 8);
  if (sizeMiB > current) {
    await truncate(image, sizeMiB * MIB);
    await run(['resize2fs', image, `${sizeMiB}M`], { timeoutMs: 3600_000, signal });
  } else if (sizeMiB < current) {
    await run(['resize2fs', image, `${sizeMiB}M`], { timeoutMs: 3600_000, signal });
    await truncate(image, sizeMiB * MIB);
  }
  await checkFs(image, signal);
}
