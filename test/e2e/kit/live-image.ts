/**
 * Hand-made livenet image, the same layout the livenet module produces:
 * `squashfs.img` holding `LiveOS/rootfs.img`, an ext4 image of the OS tree.
 * dmsquash-live mounts it as /dev/mapper/live-rw (a writable snapshot in RAM).
 * Built without loop mounts: `mkfs.ext4 -d` fills the file system from the tree.
 */
import { access, mkdir, mkdtemp, open, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from '../../../src/system/runner.js';
import { directorySize } from './sizes.js';
import { removeStaleBuilds, type BootTree } from './os-tree.js';

/** Figures of one livenet image build. */
export interface LiveImage {
  squashfsPath: string;
  treeBytes: number;
  rootfsBytes: number;
  squashfsBytes: number;
  mkfsSeconds: number;
  mksquashfsSeconds: number;
}

/** Options of {@link buildLiveSquashfs}. */
export interface LiveImageOptions {
  treeDir: string;
  /** Scratch folder (LiveOS/rootfs.img is made here, then deleted). */
  workDir: string;
  /** Where squashfs.img goes. */
  squashfsPath: string;
  /** File system size as a multiple of the tree size (default 1.5: room for ext4 metadata and writes). */
  sizeFactor?: number;
  compression?: 'zstd' | 'gzip' | 'xz';
}

/** Makes `LiveOS/rootfs.img` from the tree and squashes it into `squashfsPath`. */
export async function buildLiveSquashfs(options: LiveImageOptions): Promise<LiveImage> {
  const liveRoot = join(options.workDir, 'live');
  const rootfs = join(liveRoot, 'LiveOS', 'rootfs.img');
  await mkdir(join(liveRoot, 'LiveOS'), { recursive: true });
  const treeBytes = await directorySize(options.treeDir);
  const mib = Math.ceil((treeBytes * (options.sizeFactor ?? 1.5)) / (1024 * 1024));

  const mkfsStarted = Date.now();
  // A sparse file: only the blocks mkfs writes take disk space.
  const handle = await open(rootfs, 'w');
  await handle.truncate(mib * 1024 * 1024);
  await handle.close();
  await run(['mkfs.ext4', '-q', '-F', '-L', 'rootfs', '-d', options.treeDir, rootfs], { timeoutMs: 20 * 60_000 });
  const mkfsSeconds = (Date.now() - mkfsStarted) / 1000;

  const squashStarted = Date.now();
  await run(['mksquashfs', liveRoot, options.squashfsPath, '-comp', options.compression ?? 'zstd', '-noappend', '-no-progress'],
    { timeoutMs: 30 * 60_000 });
  const mksquashfsSeconds = (Date.now() - squashStarted) / 1000;

  const rootfsBytes = (await stat(rootfs)).size;
  await rm(liveRoot, { recursive: true, force: true });
  return {
    squashfsPath: options.squashfsPath,
    treeBytes,
    rootfsBytes,
    squashfsBytes: (await stat(options.squashfsPath)).size,
    mkfsSeconds,
    mksquashfsSeconds,
  };
}

/**
 * The livenet squashfs of the cached boot tree, built once and kept beside the
 * tree (`<cache>/<key>/squashfs.img`): squashing takes minutes on two cores.
 * Built in a temporary folder and renamed into place, like the tree itself.
 */
export async function cachedLiveSquashfs(tree: BootTree, log: (line: string) => void): Promise<{ path: string; built?: LiveImage }> {
  const keyDir = join(tree.treeDir, '..');
  const path = join(keyDir, 'squashfs.img');
  try {
    await access(path);
    log(`reusing cached ${path}`);
    return { path };
  } catch { /* not built yet */ }
  await removeStaleBuilds(keyDir, log);
  log('building the livenet squashfs of the cached tree (mkfs.ext4 -d + mksquashfs zstd, minutes)');
  const workDir = await mkdtemp(join(keyDir, `squashfs.build-${process.pid}-`));
  try {
    const built = await buildLiveSquashfs({ treeDir: tree.treeDir, workDir, squashfsPath: join(workDir, 'squashfs.img') });
    await rename(built.squashfsPath, path);
    return { path, built: { ...built, squashfsPath: path } };
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}
