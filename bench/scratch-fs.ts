/**
 * A scratch folder on a journaled ext4 file system made for one benchmark
 * (a sparse image file, `mkfs.ext4`, a loop mount), for the benchmarks that
 * create and delete tens of thousands of files (node scripts, overlay
 * archives).
 *
 * Why: this machine's root file system is ext4 *without a journal*. There,
 * ext4 avoids reusing an inode freed in the last 30 seconds or so, and checks
 * each free inode's deletion time while looking for one (`recently_deleted`
 * in fs/ext4/ialloc.c, only called when there is no journal). After a
 * benchmark deleted 20,000 files, the next 20,000 creations scan them again
 * and again: a 10,000-node `node add` spent 9 to 11 s in the kernel instead
 * of 1.3 s. A management server's file system has a journal (ext4 and XFS
 * both do by default), so the figures are measured on one.
 *
 * `BENCH_SCRATCH=host` keeps the system's temporary folder instead, to compare.
 */
import { mkdir, mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../src/system/runner.js';

/** A scratch folder and how to give it back. */
export interface Scratch {
  /** An empty folder, named with the prefix asked for. */
  dir: string;
  /** What it lives on, for the benchmark's output: `journaled ext4 (loop)` or the host's temporary folder. */
  where: string;
  /** Deletes the folder and, for a loop file system, unmounts and deletes it. */
  close(): Promise<void>;
}

/** Size of the sparse image: only what is written takes space. */
const IMAGE_BYTES = 16 * 1024 ** 3;

/**
 * A scratch folder (see the module comment); falls back to the host's
 * temporary folder, saying so in `where`, when the loop mount fails.
 */
export async function scratchFolder(prefix: string): Promise<Scratch> {
  const host = async (why: string): Promise<Scratch> => {
    const dir = await mkdtemp(join(tmpdir(), prefix));
    return { dir, where: `host temporary folder (${why})`, close: () => rm(dir, { recursive: true, force: true }) };
  };
  if (process.env.BENCH_SCRATCH === 'host') return host('BENCH_SCRATCH=host');
  const base = await mkdtemp(join(tmpdir(), 'disklessset-bench-fs-'));
  const image = join(base, 'fs.img');
  const mountPoint = join(base, 'mnt');
  try {
    await writeFile(image, '');
    await truncate(image, IMAGE_BYTES);
    await run(['mkfs.ext4', '-q', '-F', image]);
    await mkdir(mountPoint);
    await run(['mount', '-o', 'loop', image, mountPoint]);
  } catch (error) {
    await rm(base, { recursive: true, force: true });
    return host(`no loop mount: ${(error as Error).message.split('\n')[0] ?? ''}`);
  }
  const dir = await mkdtemp(join(mountPoint, prefix));
  return {
    dir,
    where: 'journaled ext4 on a loop device',
    close: async () => {
      await run(['umount', mountPoint], { allowFailure: true });
      await rm(base, { recursive: true, force: true });
    },
  };
}
