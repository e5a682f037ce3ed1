/**
 * Undoing a build that did not finish (failed, or killed: CORRUPTED), or the
 * files of a DAMAGED image: everything it journaled, in reverse, after its
 * commands are stopped.
 */
import type { ImageContext } from './context.js';
import type { AnyImageClass } from './image.js';
import { stopBuildChildren } from '../state/build-children.js';
import { isInside, removeManagedPath } from '../state/safe-remove.js';
import { unmountTree } from '../../system/mount.js';

/**
 * Undoes the build of `name`: stops its journaled commands (nothing is deleted
 * while one may still write), undoes its journaled mounts and paths, runs the
 * class's own clean, removes the image folder and drops the entry. `classes`
 * is the map of loaded classes (the entry's class cleans), or a list of classes
 * that must all clean (an image whose class is unknown).
 */
export async function undoBuild(context: ImageContext, classes: ReadonlyMap<string, AnyImageClass> | readonly AnyImageClass[],
  name: string): Promise<void> {
  const entry = (await context.installations.read())[name];
  const { paths } = context;
  if (entry?.children?.length) await stopBuildChildren(entry.children, entry.boot_id);
  // Journaled mount points come from a state file: only those inside the tool's folders are undone.
  for (const mountPoint of [...(entry?.mounts ?? [])].reverse()) {
    if (isInside(mountPoint, paths.managedRoots)) await unmountTree(mountPoint);
  }
  for (const path of [...(entry?.paths ?? [])].reverse()) await removeManagedPath(path, paths.managedRoots);
  const cleaners = Array.isArray(classes) ? classes
    : [entry?.image_class ? (classes as ReadonlyMap<string, AnyImageClass>).get(entry.image_class) : undefined];
  for (const imageClass of cleaners) await imageClass?.clean(context, name);
  await removeManagedPath(paths.imageDir(name), paths.managedRoots);
  if (entry) await context.installations.remove(name);
}
