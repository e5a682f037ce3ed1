/**
 * The temporary folders of one end-to-end run: the HTTP tree laid out like
 * the original's /var/www/html, an NFS root folder, and the serial logs.
 * Kept on failure (the paths are printed), removed on success.
 */
import { copyFile, mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BootTree } from './os-tree.js';
import { removeTreeSafely } from './chroot.js';
import { startStaticServer, type StaticServer } from './http.js';

/** Paths of one run. */
export interface Workspace {
  root: string;
  /** Served over HTTP; holds preboot_execution_environment/diskless/{kernels,images}. */
  httpRoot: string;
  /** `<httpRoot>/preboot_execution_environment/diskless`. */
  disklessDir: string;
  /** Physical folder exported over NFS as /diskless/images/nfsimages. */
  nfsImages: string;
  logs: string;
  /** Removes everything (call on success only). */
  remove(): Promise<void>;
}

/** Creates the run's folders and puts the tree's kernel and initramfs in the kernels folder. */
export async function createWorkspace(tree: BootTree): Promise<Workspace> {
  const root = await mkdtemp(join(tmpdir(), 'disklessset-e2e-'));
  const httpRoot = join(root, 'www');
  const disklessDir = join(httpRoot, 'preboot_execution_environment', 'diskless');
  const nfsImages = join(root, 'nfsimages');
  const logs = join(root, 'logs');
  for (const dir of [join(disklessDir, 'kernels'), join(disklessDir, 'images'), nfsImages, logs]) {
    await mkdir(dir, { recursive: true });
  }
  await copyFile(tree.kernelPath, join(disklessDir, 'kernels', `vmlinuz-${tree.kernelVersion}`));
  await copyFile(tree.initramfsPath, join(disklessDir, 'kernels', `initramfs-kernel-${tree.kernelVersion}`));
  return { root, httpRoot, disklessDir, nfsImages, logs, remove: () => removeTreeSafely(root) };
}

/**
 * Serves `root` on port 80 when it is free, so boot files keep the original's
 * port-less `http://${next-server}/...` URLs; otherwise on any free port.
 */
export async function serveOnPort80OrAny(root: string): Promise<StaticServer> {
  try {
    return await startStaticServer(root, 80);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' && (error as NodeJS.ErrnoException).code !== 'EACCES') throw error;
    return startStaticServer(root, 0);
  }
}
