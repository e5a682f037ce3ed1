/**
 * The start-of-command repair of image versions (see versions.ts): what a
 * publication killed half-way left is put back in line with the pointer
 * (image_data.yml's `version`). `boot.ipxe` and `squashfs.img` are linked
 * again to the current version's files, and versioned files without a
 * record (a version never completed, or half removed) are deleted. An image
 * whose lock a live command holds is left alone: that command is not done.
 */
import { readdirSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Paths } from '../paths.js';
import { isImageName, isVersionId } from '../names.js';
import { withLock } from '../state/lock.js';
import { loadImageData } from './image-data.js';
import { IMAGE_DATA_FILE } from './image.js';
import {
  linkPublished, PUBLISHED_BOOT_FILE, PUBLISHED_ROOT_FILE, removeVersion, versionBootFile, versionOfFile, versionRecordFile, versionRootFile,
} from './versions.js';

/** What is out of line in one image folder. */
interface Drift {
  current: string | undefined;
  /** Ids with files but no record. */
  orphans: string[];
  relink: boolean;
}

async function sameFile(a: string, b: string): Promise<boolean> {
  const [first, second] = await Promise.all([stat(a).catch(() => undefined), stat(b).catch(() => undefined)]);
  return first !== undefined && second !== undefined && first.ino === second.ino && first.dev === second.dev;
}

async function driftOf(imageDir: string): Promise<Drift | undefined> {
  let names: string[];
  try {
    // Synchronous: every command looks into every image folder here, and a promise per folder
    // (a round trip through the thread pool) cost several times the listing itself.
    names = readdirSync(imageDir);
  } catch {
    return undefined;
  }
  const versioned = names.map(versionOfFile).filter((id): id is string => id !== undefined);
  if (versioned.length === 0) return undefined;
  const present = new Set(names);
  const orphans = [...new Set(versioned)].filter((id) => !present.has(versionRecordFile(id)) || !present.has(versionRootFile(id)));
  let current: string | undefined;
  try {
    const version = (await loadImageData(join(imageDir, IMAGE_DATA_FILE))).version;
    current = isVersionId(version) && present.has(versionRecordFile(version)) && present.has(versionRootFile(version)) ? version : undefined;
  } catch { /* no readable data: image status reports it */ }
  const relink = current !== undefined && (!await sameFile(join(imageDir, versionBootFile(current)), join(imageDir, PUBLISHED_BOOT_FILE))
    || !await sameFile(join(imageDir, versionRootFile(current)), join(imageDir, PUBLISHED_ROOT_FILE)));
  const removable = orphans.filter((id) => id !== current);
  return removable.length > 0 || relink ? { current, orphans: removable, relink } : undefined;
}

/**
 * Repairs the versions of every image folder; returns one line per image repaired.
 * Never throws for one image: a folder that cannot be repaired now is retried by the next command.
 */
export async function repairVersions(paths: Paths): Promise<string[]> {
  let folders: string[];
  try {
    folders = (await readdir(paths.imagesDir, { withFileTypes: true })).filter((d) => d.isDirectory() && isImageName(d.name)).map((d) => d.name);
  } catch {
    return [];
  }
  const notices: string[] = [];
  for (const name of folders) {
    const imageDir = paths.imageDir(name);
    // Cheap look first: taking a lock per image on every command would cost more than the check.
    if (!await driftOf(imageDir)) continue;
    try {
      await withLock(paths.imageLock(name), async () => {
        const drift = await driftOf(imageDir);
        if (!drift) return;
        for (const id of drift.orphans) await removeVersion(imageDir, id);
        if (drift.relink && drift.current) {
          await linkPublished(imageDir, versionBootFile(drift.current), PUBLISHED_BOOT_FILE);
          await linkPublished(imageDir, versionRootFile(drift.current), PUBLISHED_ROOT_FILE);
        }
        notices.push(`image ${name}: ${[drift.orphans.length ? `removed ${drift.orphans.length} unfinished version(s)` : '',
          drift.relink ? `published version ${drift.current} again` : ''].filter(Boolean).join(', ')} (a command was killed)`);
      }, { timeoutMs: 0 });
    } catch { /* a live command holds the image: it finishes its own work */ }
  }
  return notices;
}
