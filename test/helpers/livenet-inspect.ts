/**
 * Reading a built livenet image without mounting anything: unsquashfs into a
 * temporary folder, then debugfs on LiveOS/rootfs.img.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/system/runner.js';

/** An unpacked squashfs.img. */
export interface Unpacked {
  dir: string;
  /** Size of LiveOS/rootfs.img in bytes (liveos layout). */
  rootfsBytes(): Promise<number>;
  /** Text of a file inside the ext4 image (liveos) or the tree (flat). */
  cat(path: string): Promise<string>;
  /** File system type of rootfs.img as blkid reports it. */
  fsType(): Promise<string>;
  cleanup(): Promise<void>;
}

export async function unpackSquashfs(squashfs: string, layout: 'liveos' | 'flat' = 'liveos'): Promise<Unpacked> {
  const parent = await mkdtemp(join(tmpdir(), 'unsquash-'));
  const dir = join(parent, 'root');
  try {
    await run(['unsquashfs', '-no-progress', '-quiet', '-d', dir, squashfs]);
  } catch (error) {
    await rm(parent, { recursive: true, force: true });
    throw error;
  }
  const rootfs = join(dir, 'LiveOS', 'rootfs.img');
  return {
    dir,
    rootfsBytes: async () => (await stat(rootfs)).size,
    cat: async (path) => layout === 'flat'
      ? (await run(['cat', join(dir, path)])).stdout
      : (await run(['debugfs', '-R', `cat ${path}`, rootfs])).stdout,
    fsType: async () => (await run(['blkid', '-o', 'value', '-s', 'TYPE', rootfs])).stdout.trim(),
    cleanup: () => rm(parent, { recursive: true, force: true }),
  };
}
