/**
 * The build scratch a killed livenet build or rebuild leaves in the work
 * folder (`<workDir>/<image>/generated_os`, `.../live`): gigabytes of OS
 * tree nobody will use again, since a build starts from a fresh tree. The
 * start-of-command repair (services.ts) removes it, but only when nothing
 * may still use it: no live command holds the image's lock (a rebuild in
 * progress does) or is creating it (installations.yml), no mount lies anywhere under the image's work folder (a
 * mounted edit, or a bind mount a build left), and the image is not marked
 * mounted. Symbolic links are never followed: the scratch folders must be
 * real folders, and `rm` removes links inside them, not what they point to.
 */
import { lstat, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Paths } from '../../core/paths.js';
import { isImageName } from '../../core/names.js';
import { loadImageData } from '../../core/image/image-data.js';
import { IMAGE_DATA_FILE } from '../../core/image/image.js';
import { withLock } from '../../core/state/lock.js';
import { creatorAlive, InstallationsRegistry } from '../../core/state/installations.js';
import { mountsUnder, unmountTree } from '../../system/mount.js';
import { pidExists } from '../../core/state/process-identity.js';
import { DIFF_SCRATCH, STAGE_FOLDER, TIMES_SCRIPT, TREE_FOLDER } from './work-layout.js';

/** The scratch a build left: its real folders, and debugfs's command file (a kill during the fix of inode times leaves it alone). */
async function realFolders(work: string): Promise<string[]> {
  const found: string[] = [];
  for (const name of [TREE_FOLDER, STAGE_FOLDER]) {
    const stats = await lstat(join(work, name)).catch(() => undefined);
    if (stats?.isDirectory()) found.push(join(work, name));
  }
  if ((await lstat(join(work, TIMES_SCRIPT)).catch(() => undefined))?.isFile()) found.push(join(work, TIMES_SCRIPT));
  return found;
}

/**
 * Removes the scratch folders of killed `image diff` runs (`.diff-<pid>-…`
 * in the work folder), after undoing the read-only loop mount of a root
 * image they may hold; a folder of a live diff is left alone.
 * @returns the folders removed. Never throws for one folder.
 */
export async function removeDiffLeftovers(paths: Paths): Promise<string[]> {
  const names = await readdir(paths.workDir).catch(() => [] as string[]);
  const removed: string[] = [];
  for (const name of names) {
    const pid = Number(DIFF_SCRATCH.exec(name)?.[1] ?? NaN);
    if (!Number.isInteger(pid) || pid === process.pid || pidExists(pid)) continue;
    const folder = join(paths.workDir, name);
    try {
      await unmountTree(folder);
      // A mount that would not go: rm would reach into it.
      if ((await mountsUnder(folder)).length > 0) continue;
      await rm(folder, { recursive: true, force: true });
      removed.push(folder);
    } catch { /* retried by the next command */ }
  }
  return removed;
}

async function markedMounted(paths: Paths, name: string): Promise<boolean> {
  try {
    return (await loadImageData(join(paths.imageDir(name), IMAGE_DATA_FILE))).is_mounted === true;
  } catch {
    return false; // no image (a killed create): nothing can be mounted through it
  }
}

/**
 * Removes the build scratch of every image no command is building or editing.
 * @returns the names of the images whose scratch was removed. Never throws for one image.
 */
export async function removeWorkLeftovers(paths: Paths): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(paths.workDir, { withFileTypes: true });
  } catch {
    return [];
  }
  // A create builds without the image lock, registered in installations.yml with its process: a live one is left alone.
  const building = await new InstallationsRegistry(paths.installationsFile).read().catch(() => undefined);
  if (building === undefined) return [];
  const cleaned: string[] = [];
  for (const entry of entries) {
    // Dirent.isDirectory() does not follow links: a link named like an image is not entered.
    if (!entry.isDirectory() || !isImageName(entry.name)) continue;
    const work = paths.imageWorkDir(entry.name);
    const registered = Object.hasOwn(building, entry.name) ? building[entry.name] : undefined;
    if ((registered && creatorAlive(registered)) || (await realFolders(work)).length === 0) continue;
    try {
      await withLock(paths.imageLock(entry.name), async () => {
        if ((await mountsUnder(work)).length > 0 || await markedMounted(paths, entry.name)) return;
        const folders = await realFolders(work);
        for (const folder of folders) await rm(folder, { recursive: true, force: true });
        if (folders.length > 0) cleaned.push(entry.name);
      }, { timeoutMs: 0 });
    } catch { /* a live command holds the image: the scratch is its own */ }
  }
  return cleaned;
}
