/**
 * Undoing a build that did not finish (failed, or killed: CORRUPTED), or the
 * files of a DAMAGED image: everything it journaled, in reverse, after its
 * commands are stopped.
 *
 * The journal lives in a state file that a user or a corruption may have
 * changed, so a journaled path is undone only when it lies in a
 * location that belongs to the image being undone (its image folder, its work
 * folder, the locations its class declares): an entry can never lead the undo
 * into another image, a kernel or another module's files. Any other journaled
 * path is skipped with a notice and left in place.
 */
import type { ImageContext } from './context.js';
import type { AnyImageClass } from './image.js';
import { stopBuildChildren } from '../state/build-children.js';
import { isWithin, removeManagedPath } from '../state/safe-remove.js';

/** Where a journaled path of `name` may be deleted: its image folder, work folder and what `classes` declare. */
function ownedLocations(context: ImageContext, classes: readonly (AnyImageClass | undefined)[], name: string): string[] {
  const { paths } = context;
  return [paths.imageDir(name), paths.imageWorkDir(name), ...classes.flatMap((imageClass) => imageClass?.ownedPaths?.(context, name) ?? [])];
}

/**
 * Undoes the build of `name`: stops its journaled commands (nothing is deleted
 * while one may still write), removes its journaled paths that lie in the
 * image's own locations (unmounting what is mounted below them first), runs the class's own clean, removes the image
 * folder and drops the entry. `classes` is the map of loaded classes (the
 * entry's class cleans), or a list of classes that must all clean (an image
 * whose class is unknown). `notice` hears of each journaled path skipped.
 * It is the one place an image's files are deleted: failed and killed
 * builds, `ImageManager.clean` and `ImageManager.remove` all end here.
 * @throws OperationError E_STATE_FILE_INVALID, E_UNSAFE_PATH (a location outside the managed folders),
 *   E_NO_SPACE; ConflictError E_LOCK_TIMEOUT; whatever a class's `clean` throws (the entry then stays, so the next command retries).
 */
export async function undoBuild(context: ImageContext, classes: ReadonlyMap<string, AnyImageClass> | readonly AnyImageClass[],
  name: string, notice: (text: string) => void = () => undefined): Promise<void> {
  const entry = (await context.installations.read())[name];
  const { paths } = context;
  const cleaners = Array.isArray(classes) ? classes
    : [entry?.image_class ? (classes as ReadonlyMap<string, AnyImageClass>).get(entry.image_class) : undefined];
  const owned = ownedLocations(context, cleaners, name);
  const skip = (path: string): boolean => {
    if (isWithin(path, owned)) return false;
    notice(`kept ${path}: the journal of ${name} names it, but it does not belong to ${name}`);
    return true;
  };
  if (entry?.children?.length) await stopBuildChildren(entry.children, entry.boot_id);
  for (const path of [...(entry?.paths ?? [])].reverse()) {
    if (!skip(path)) await removeManagedPath(path, paths.managedRoots);
  }
  for (const imageClass of cleaners) await imageClass?.clean(context, name);
  await removeManagedPath(paths.imageDir(name), paths.managedRoots);
  if (entry) await context.installations.remove(name);
}
