/**
 * The start-of-command repair of image versions (see versions.ts): what a
 * publication killed half-way left is put back in line with the pointer
 * (image_data.yml's `version`). `boot.ipxe` and `squashfs.img` are linked
 * again to the current version's files, and versioned files without a
 * record (a version never completed, or half removed) are deleted; a
 * complete version missing its `.torrent` or `.sha256` (deleted, or published
 * before they existed) gets them written again. An image
 * whose lock a live command holds is left alone: that command is not done.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Paths } from '../paths.js';
import { isImageName, isVersionId } from '../names.js';
import { withLock } from '../state/lock.js';
import { loadConfig } from '../config.js';
import { loadImageData } from './image-data.js';
import { shareSources } from './share-sources.js';
import { hasVersionShare, writeVersionShare, type ShareSources } from './version-share.js';
import { IMAGE_DATA_FILE } from './image.js';
import {
  fileSha256, linkPublished, PUBLISHED_BOOT_FILE, PUBLISHED_ROOT_FILE, readVersion, removeVersion, versionBootFile, versionOfFile, versionRecordFile, versionRootFile,
} from './versions.js';

/** What is out of line in one image folder. */
interface Drift {
  current: string | undefined;
  /** Ids with files but no record. */
  orphans: string[];
  relink: boolean;
  /** Complete versions lacking their peer-to-peer files. */
  unshared: string[];
}

async function sameFile(a: string, b: string): Promise<boolean> {
  const [first, second] = await Promise.all([stat(a).catch(() => undefined), stat(b).catch(() => undefined)]);
  return first !== undefined && second !== undefined && first.ino === second.ino && first.dev === second.dev;
}

async function driftOf(imageDir: string): Promise<Drift | undefined> {
  let names: string[];
  try {
    names = await readdir(imageDir);
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
  const unshared: string[] = [];
  for (const id of new Set(versioned)) {
    if (!orphans.includes(id) && !await hasVersionShare(imageDir, id)) unshared.push(id);
  }
  return removable.length > 0 || relink || unshared.length > 0 ? { current, orphans: removable, relink, unshared } : undefined;
}

/** Writes the peer-to-peer files of complete version `id` again (its recorded hash, else the root image's). */
async function shareAgain(imageDir: string, image: string, id: string, sources: ShareSources): Promise<void> {
  const recorded = (await readVersion(imageDir, id))?.rootSha256;
  const sha256 = recorded !== undefined && /^[0-9a-f]{64}$/.test(recorded) ? recorded : await fileSha256(join(imageDir, versionRootFile(id)));
  await writeVersionShare(imageDir, image, id, sha256, sources);
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
  let sources: ShareSources | undefined;
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
        if (drift.unshared.length > 0) sources ??= await shareSources(paths, await loadConfig(paths.root));
        for (const id of drift.unshared) await shareAgain(imageDir, name, id, sources as ShareSources);
        notices.push(`image ${name}: ${[drift.orphans.length ? `removed ${drift.orphans.length} unfinished version(s)` : '',
          drift.relink ? `published version ${drift.current} again` : '',
          drift.unshared.length ? `wrote the torrent and hash files of ${drift.unshared.length} version(s) again` : ''].filter(Boolean).join(', ')
        } (${drift.orphans.length || drift.relink ? 'a command was killed' : 'they were missing'})`);
      }, { timeoutMs: 0 });
    } catch { /* a live command holds the image: it finishes its own work */ }
  }
  return notices;
}
