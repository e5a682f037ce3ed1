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
