/**
 * Editing a livenet image: mount makes its tree writable at
 * `workdir/<name>/mnt` (loop mount of rootfs.img, or an unpacked tree where
 * loop devices are unavailable) with /proc, /sys and /dev bound for chroot
 * work; unmount repacks it through the safe publishing; shell runs in it.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConflictError } from '../../errors/index.js';
import type { ProgressSink } from '../../core/progress.js';
import { StepReporter, silentProgress } from '../../core/progress.js';
import type { CoreServices } from '../../core/core-services.js';
import { bindSystemDirs, chrootCommand } from '../../system/chroot.js';
import { mount, unmountTree } from '../../system/mount.js';
import { run, type RunResult } from '../../system/runner.js';
import { squashRoot } from './build.js';
import { workLayout } from './work-layout.js';
import { checkFs } from './rootfs.js';
import { SQUASHFS_FILE } from './squashfs.js';
import { loadLivenet, type LivenetOperation } from './image-access.js';

/** How a mounted image's tree is reachable. */
export type MountMode = 'loop' | 'tree' | 'flat';

/** Result of {@link mountLivenet}. */
export interface MountResult {
  mountPoint: string;
  mode: MountMode;
  inventory: string;
}

async function unsquash(image: string, target: string, signal?: AbortSignal): Promise<void> {
  await run(['unsquashfs', '-no-progress', '-quiet', '-d', target, image], { timeoutMs: 3600_000, signal });
}

/**
 * Makes the image's tree editable; returns where it is. Refused when already mounted.
 * @throws UsageError E_IMAGE_NAME, E_NOT_LIVENET; NotFoundError E_IMAGE_NOT_FOUND; ConflictError E_IMAGE_NOT_READY, E_IMAGE_MOUNTED, E_LOCK_TIMEOUT;
 * CommandError when mounting or unpacking fails.
 */
export async function mountLivenet(services: CoreServices, name: string, operation: LivenetOperation & {
  /** Unpack the file system instead of loop-mounting it (as on hosts without loop devices). */
  unpack?: boolean;
} = {}): Promise<MountResult> {
  return services.images.withImageLock(name, async () => {
    const image = await loadLivenet(services, name);
    if (image.isMounted) {
      throw new ConflictError('E_IMAGE_MOUNTED', `image "${name}" is already mounted`, `unmount it with \`disklessset livenet unmount ${name}\``);
    }
    const steps = new StepReporter(operation.progress ?? silentProgress, 3);
    const layout = workLayout(services.images.context, name);
    // Marked before anything is created, so that unmount can undo a mount that was interrupted.
    image.data.is_mounted = true;
    image.data.mount_mode = 'incomplete';
    await image.save();
    await unmountTree(layout.work);
    await rm(layout.work, { recursive: true, force: true });
    await mkdir(layout.work, { recursive: true });
    steps.step('unpack squashfs.img');
    const squashfs = join(image.imageDirectory, SQUASHFS_FILE);
    let mode: MountMode = 'flat';
    if (image.layout === 'flat') {
      await unsquash(squashfs, layout.mnt, operation.signal);
    } else {
      await unsquash(squashfs, layout.stage, operation.signal);
      await mkdir(layout.mnt, { recursive: true });
      steps.step('mount LiveOS/rootfs.img');
      try {
        if (operation.unpack) throw new Error('unpacking was asked for');
        await mount(['-o', 'loop', layout.rootfs, layout.mnt]);
        mode = 'loop';
      } catch {
        steps.info('loop mounts are not possible here: unpacking the file system instead');
        await run(['debugfs', '-R', `rdump / ${layout.mnt}`, layout.rootfs], { timeoutMs: 3600_000, signal: operation.signal });
        mode = 'tree';
      }
    }
    steps.step('bind /proc, /sys and /dev; write the Ansible inventory');
    await bindSystemDirs(layout.mnt);
    await mkdir(layout.inventory, { recursive: true });
    const inventory = join(layout.inventory, 'host');
    await writeFile(inventory, `${layout.mnt} ansible_connection=chroot\n`);
    image.data.mount_mode = mode;
    await image.save();
    return { mountPoint: layout.mnt, mode, inventory };
  });
}

/**
 * Undoes the mounts, repacks the tree into a new squashfs.img (safely published) and cleans the work folder.
 * @throws UsageError E_IMAGE_NAME, E_NOT_LIVENET; NotFoundError E_IMAGE_NOT_FOUND; ConflictError E_IMAGE_NOT_READY, E_IMAGE_NOT_MOUNTED, E_LOCK_TIMEOUT;
 * OperationError E_FS_DAMAGED (e2fsck cannot repair the loop file system),
 * E_NO_SPACE; CommandError when mksquashfs fails.
 */
export async function unmountLivenet(services: CoreServices, name: string, operation: LivenetOperation = {}): Promise<{ warnings: string[];
  republished: boolean; }> {
  return services.images.withImageLock(name, async () => {
    const image = await loadLivenet(services, name);
    if (!image.isMounted) throw new ConflictError('E_IMAGE_NOT_MOUNTED', `image "${name}" is not mounted`, 'mount it first');
    const context = services.images.context;
    const layout = workLayout(context, name);
    const mode = image.data.mount_mode;
    const progress: ProgressSink = operation.progress ?? silentProgress;
    const steps = new StepReporter(progress, 5);
    steps.step('unmount');
    await unmountTree(layout.mnt);
    let warnings: string[] = [];
    const republished = mode === 'loop' || mode === 'tree' || mode === 'flat';
    if (mode === 'loop') await checkFs(layout.rootfs, operation.signal);
    if (republished) {
      const outcome = await squashRoot(context, name, {
        tree: layout.mnt, layout: image.layout, sizeMiB: image.sizeMiB ?? 0, compression: image.compression,
        kernel: String(image.data.kernel), rootfsReady: mode === 'loop',
      }, { progress, signal: operation.signal }, steps);
      warnings = outcome.warnings;
      image.publication = { pendingRoot: outcome.pending, command: `livenet unmount ${name}`, treeBytes: outcome.treeBytes, manifest: outcome.manifest };
      await image.writeBootFile();
    }
    await rm(layout.work, { recursive: true, force: true });
    image.data.is_mounted = false;
    delete image.data.mount_mode;
    await image.save();
    return { warnings, republished };
  });
}

/**
 * Runs a command (default: a login shell) chrooted in a mounted image.
 * @throws UsageError E_IMAGE_NAME, E_NOT_LIVENET; NotFoundError E_IMAGE_NOT_FOUND; ConflictError E_IMAGE_NOT_READY, E_IMAGE_NOT_MOUNTED (also for a mount left incomplete).
 */
export async function shellLivenet(services: CoreServices, name: string, command: string[],
  options: { interactive?: boolean; signal?: AbortSignal } = {}): Promise<RunResult> {
  const image = await loadLivenet(services, name);
  if (!image.isMounted || image.data.mount_mode === 'incomplete') {
    throw new ConflictError('E_IMAGE_NOT_MOUNTED', `image "${name}" is not mounted`, `mount it with \`disklessset livenet mount ${name}\``);
  }
  const { mnt } = workLayout(services.images.context, name);
  // The image's own environment, not the caller's; only the terminal type follows an interactive user.
  const argv = chrootCommand(mnt, command.length > 0 ? command : ['/bin/sh', '-l'], { terminal: options.interactive ? process.env.TERM : undefined });
  return run(argv, { inheritStdio: options.interactive, allowFailure: true, signal: options.signal });
}
