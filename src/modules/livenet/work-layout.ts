/**
 * Where one livenet image's scratch space lies. Apart from the build code so
 * that the image class (loaded by every command) can name its work folder
 * without loading the build and its tools.
 */
import { join } from 'node:path';
import type { ImageContext } from '../../core/image/context.js';

/** Folder (under an image's work folder) of the OS tree a build makes. */
export const TREE_FOLDER = 'generated_os';
/** Folder (under an image's work folder) of the liveos stage a build makes. */
export const STAGE_FOLDER = 'live';
/** File (under an image's work folder) of debugfs's commands fixing inode times (as large as the tree's listing). */
export const TIMES_SCRIPT = 'debugfs-times.txt';

/**
 * Name of the scratch folder (in the work folder) of one `image diff` run:
 * it holds the writer's pid so that the next command can tell a killed
 * diff's folder (and the read-only loop mount left in it) from a live one.
 */
export function diffScratchPrefix(pid = process.pid): string {
  return `.diff-${pid}-`;
}

/** Matches a diff scratch folder name (see {@link diffScratchPrefix}: mkdtemp adds 6 characters); group 1 is the pid. */
export const DIFF_SCRATCH = /^\.diff-(\d+)-[A-Za-z0-9]{6}$/;

/** Folders of one image's scratch space (under the work folder of the paths module). */
export function workLayout(context: ImageContext, name: string): { work: string; tree: string; stage: string; rootfs: string; mnt: string;
  inventory: string; } {
  const work = context.paths.imageWorkDir(name);
  return {
    work,
    tree: join(work, TREE_FOLDER),
    stage: join(work, STAGE_FOLDER),
    rootfs: join(work, STAGE_FOLDER, 'LiveOS', 'rootfs.img'),
    mnt: join(work, 'mnt'),
    inventory: join(work, 'inventory'),
  };
}
