/**
 * The start-of-command repair of image versions (see versions.ts): what a
 * publication killed half-way left is put back in line with the pointer
 * (image_data.yml's `version`). `boot.ipxe` and `squashfs.img` are linked
 * again to the current version's files, and versioned files without a
 * record (a version never completed, or half removed) are deleted. A file
 * of the current version deleted by hand is linked back from its published
 * name (`squashfs.img`, `boot.ipxe`) when that still holds the same bytes;
 * when no copy is left, the record is kept (a rebuild or rollback fixes it)
 * and every command warns with one line. A complete version missing its
 * `.torrent` or `.sha256` (deleted, or published before they existed) gets
 * them written again. An image whose lock a live command holds is left
 * alone: that command is not done.
 *
 * A record edited or truncated by hand is found by the commands that read
 * records anyway (history, rollback, diff: {@link repairVersions} with one
 * image; pruning, in versions.ts), not at the start of every command: that
 * would read every record of every image each time (`image list` over a
 * thousand images). Nodes never read records, so nothing boots differently
 * meanwhile.
 */
import { readdirSync, statSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Paths } from '../paths.js';
import { isImageName, isVersionId } from '../names.js';
import { withLock } from '../state/lock.js';
import { loadConfig } from '../config.js';
import { loadImageData } from './image-data.js';
import { shareSources } from './share-sources.js';
import { versionSha256File, versionTorrentFile, writeVersionShare, type ShareSources } from './version-share.js';
import { IMAGE_DATA_FILE } from './image.js';
import { readPins } from '../nodes/pinned.js';
import { damagedVersions, pinnedWarning, recordlessWarning, recreateCurrentRecord } from './version-guard.js';
import {
  fileSha256, linkPublished, PUBLISHED_BOOT_FILE, PUBLISHED_ROOT_FILE, readVersion, removeVersion, versionBootFile, versionOfFile,
  versionRecordFile, versionRootFile,
} from './versions.js';

/** A file of the current version missing under its versioned name. */
interface MissingFile {
  versioned: string;
  published: string;
  /** The published name still exists (a hard link of the same bytes, unless a kill replaced it): it can be linked back. */
  linkable: boolean;
}

/** What is out of line in one image folder. */
interface Drift {
  /** The version the pointer names, when its record is there. */
  current: string | undefined;
  /** Ids with files but no record (never the pointer's). */
  orphans: string[];
  relink: boolean;
  missing: MissingFile[];
  /** Complete versions lacking their peer-to-peer files. */
  unshared: string[];
  /** The pointer's version when its record is missing: made again from image_data.yml if honest (version-guard.ts). */
  recordless: string | undefined;
  /** Warnings about pinned versions that lost files (said by every command until fixed). */
  pinnedLost: string[];
  /** Warnings about pinned versions whose root image is not its recorded size (truncated by hand...). */
  damaged: string[];
  /** Unreadable records of versions removed as unfinished (named once, by the command that removes them). */
  unreadable: string[];
}

/** Synchronous, like the listing: every command compares the published links of every image here. */
function sameFile(a: string, b: string): boolean {
  const first = statSync(a, { throwIfNoEntry: false });
  const second = statSync(b, { throwIfNoEntry: false });
  return first !== undefined && second !== undefined && first.ino === second.ino && first.dev === second.dev;
}

/** The version image_data.yml names, whether or not its record is there. */
async function pointerOf(imageDir: string): Promise<string | undefined> {
  try {
    const version = (await loadImageData(join(imageDir, IMAGE_DATA_FILE))).version;
    return isVersionId(version) ? version : undefined;
  } catch {
    return undefined; // no readable data: image status reports it
  }
}

/**
 * Record files that do not read as their version's record (edited or
 * truncated by hand, also after their first line). Each is parsed: only
 * history, rollback and diff look here, and they read the records anyway.
 */
async function brokenRecords(imageDir: string, names: readonly string[]): Promise<string[]> {
  const broken: string[] = [];
  for (const file of names) {
    const id = /^version-([0-9a-f]{12})\.yml$/.exec(file)?.[1];
    if (id !== undefined && await readVersion(imageDir, id) === undefined) broken.push(file);
  }
  return broken;
}

/** The files of pinned versions that are gone, as one warning per version (the current one has its own). */
function pinnedLosses(name: string, present: ReadonlySet<string>, pins: ReadonlyMap<string, string[]>, pointer: string | undefined): string[] {
  const warnings: string[] = [];
  for (const [id, holders] of pins) {
    if (id === pointer || !isVersionId(id)) continue;
    const gone = [versionRecordFile(id), versionRootFile(id), versionBootFile(id)].filter((file) => !present.has(file));
    if (gone.length > 0) warnings.push(pinnedWarning(name, id, holders, gone));
  }
  return warnings;
}

/**
 * `pins`: this image's pinned versions; undefined when the inventory is unreadable (then no version is removed).
 * `records`: whether to read the records to find unreadable ones (see the file's comment).
 */
async function driftOf(name: string, imageDir: string, pins: ReadonlyMap<string, string[]> | undefined, records: boolean): Promise<Drift | undefined> {
  let names: string[];
  try {
    // Synchronous: every command looks into every image folder here, and a promise per folder
    // (a round trip through the thread pool) cost several times the listing itself.
    names = readdirSync(imageDir);
  } catch {
    return undefined;
  }
  const versioned = names.map(versionOfFile).filter((id): id is string => id !== undefined);
  if (versioned.length === 0 && (pins === undefined || pins.size === 0)) return undefined;
  const broken = records ? await brokenRecords(imageDir, names) : [];
  // An unreadable record is no record: its version is unfinished, unless current or pinned (kept, with a warning).
  const present = new Set(names.filter((file) => !broken.includes(file)));
  const pointer = await pointerOf(imageDir);
  // The version the pointer names keeps its record even when a file of it was deleted by hand.
  const current = pointer !== undefined && present.has(versionRecordFile(pointer)) ? pointer : undefined;
  const recordless = pointer !== undefined && current === undefined && versioned.includes(pointer) ? pointer : undefined;
  // Nodes boot the current and the pinned versions: their files are never removed as unfinished.
  const orphans = pins === undefined ? [] : [...new Set(versioned)].filter((id) => id !== pointer && !pins.has(id)
    && (!present.has(versionRecordFile(id)) || !present.has(versionRootFile(id))));
  const pinnedLost = pins === undefined ? [] : pinnedLosses(name, present, pins, pointer);
  const damaged = await damagedVersions(name, imageDir, present, current, pins);
  const unreadable = broken.filter((file) => orphans.includes(versionOfFile(file) ?? ''));
  const missing: MissingFile[] = current === undefined ? [] : [
    { versioned: versionRootFile(current), published: PUBLISHED_ROOT_FILE },
    { versioned: versionBootFile(current), published: PUBLISHED_BOOT_FILE },
  ].filter((file) => !present.has(file.versioned)).map((file) => ({ ...file, linkable: present.has(file.published) }));
  const relink = current !== undefined && missing.length === 0
    && (!sameFile(join(imageDir, versionBootFile(current)), join(imageDir, PUBLISHED_BOOT_FILE))
      || !sameFile(join(imageDir, versionRootFile(current)), join(imageDir, PUBLISHED_ROOT_FILE)));
  const unshared = [...new Set(versioned)].filter((id) => !orphans.includes(id) && present.has(versionRecordFile(id)) && present.has(versionRootFile(id))
    && (!present.has(versionSha256File(id)) || !present.has(versionTorrentFile(id))));
  return orphans.length > 0 || relink || missing.length > 0 || unshared.length > 0 || recordless !== undefined || pinnedLost.length > 0
    || damaged.length > 0 ? { current, orphans, relink, missing, unshared, recordless, pinnedLost, damaged, unreadable } : undefined;
}

/**
 * Whether the published copy still holds the bytes of version `id`: the
 * root image must match the recorded size and sha256; the boot file must
 * name the version's root image (after a kill it may be another version's).
 */
async function holdsVersion(imageDir: string, id: string, file: MissingFile): Promise<boolean> {
  const path = join(imageDir, file.published);
  if (file.published === PUBLISHED_BOOT_FILE) return (await readFile(path, 'utf8').catch(() => '')).includes(versionRootFile(id));
  const record = await readVersion(imageDir, id);
  const size = (await stat(path).catch(() => undefined))?.size;
  return record !== undefined && size === record.rootBytes && await fileSha256(path) === record.rootSha256;
}

/** The warning about a current version whose files are gone for good (said by every command until fixed). */
function lostWarning(name: string, id: string, lost: readonly MissingFile[]): string {
  return `warning: image ${name}: ${lost.map((file) => file.versioned).join(' and ')} of its current version ${id} `
    + `${lost.length > 1 ? 'are' : 'is'} gone with no copy left (deleted by hand?): nodes cannot boot it; `
    + `run \`disklessset image rebuild ${name}\` or \`disklessset image rollback ${name} --to VERSION\` (see \`disklessset image history ${name}\`)`;
}

/** Writes the peer-to-peer files of complete version `id` again (its recorded hash, else the root image's). */
async function shareAgain(imageDir: string, image: string, id: string, sources: ShareSources): Promise<void> {
  const recorded = (await readVersion(imageDir, id))?.rootSha256;
  const sha256 = recorded !== undefined && /^[0-9a-f]{64}$/.test(recorded) ? recorded : await fileSha256(join(imageDir, versionRootFile(id)));
  await writeVersionShare(imageDir, image, id, sha256, sources);
}

/** Links back and removes what is out of line; returns the notices (what was fixed, and files lost). Runs under the image lock. */
async function repairDrift(paths: Paths, name: string, imageDir: string, drift: Drift): Promise<string[]> {
  const lost: MissingFile[] = [];
  const linkedBack: string[] = [];
  for (const file of drift.missing) {
    if (file.linkable && drift.current && await holdsVersion(imageDir, drift.current, file)) {
      // The published name is a hard link of the same bytes: the versioned name comes back from it.
      await linkPublished(imageDir, file.published, file.versioned);
      linkedBack.push(file.versioned);
    } else {
      lost.push(file);
    }
  }
  for (const id of drift.orphans) await removeVersion(imageDir, id);
  if (drift.relink && drift.current) {
    await linkPublished(imageDir, versionBootFile(drift.current), PUBLISHED_BOOT_FILE);
    await linkPublished(imageDir, versionRootFile(drift.current), PUBLISHED_ROOT_FILE);
  }
  if (drift.unshared.length > 0) {
    const sources = shareSources(await loadConfig(paths.root));
    for (const id of drift.unshared) await shareAgain(imageDir, name, id, sources);
  }
  const done = [drift.orphans.length ? `removed ${drift.orphans.length} unfinished version(s)` : '',
    linkedBack.length ? `restored ${linkedBack.join(' and ')} from the published copy` : '',
    drift.relink ? `published version ${drift.current} again` : '',
    drift.unshared.length ? `wrote the torrent and hash files of ${drift.unshared.length} version(s) again` : ''].filter(Boolean);
  let remade = false;
  if (drift.recordless) {
    remade = await recreateCurrentRecord(imageDir, drift.recordless, await loadImageData(join(imageDir, IMAGE_DATA_FILE)));
    if (remade) done.push(`made the record of its current version ${drift.recordless} again from image_data.yml`);
  }
  const notices = done.length ? [`image ${name}: ${done.join(', ')} (a command was killed or a file deleted by hand)`] : [];
  if (lost.length > 0 && drift.current) notices.push(lostWarning(name, drift.current, lost));
  if (drift.recordless && !remade) notices.push(recordlessWarning(name, drift.recordless));
  notices.push(...drift.pinnedLost, ...drift.damaged);
  notices.push(...drift.unreadable.map((file) => `warning: image ${name}: ${file} was unreadable (edited by hand?): `
    + 'that version was removed as unfinished; nothing pins it and it is not the current one'));
  return notices;
}

/**
 * Repairs the versions of every image folder (at the start of every
 * command), or of image `only` with its records read too (before history,
 * rollback or diff read them); returns the notices (one line per repair or warning).
 * Never throws for one image: a folder that cannot be repaired now is retried by the next command.
 */
export async function repairVersions(paths: Paths, only?: string): Promise<string[]> {
  let folders: string[];
  try {
    folders = only !== undefined ? (isImageName(only) ? [only] : [])
      : (await readdir(paths.imagesDir, { withFileTypes: true })).filter((d) => d.isDirectory() && isImageName(d.name)).map((d) => d.name);
  } catch {
    return [];
  }
  const records = only !== undefined;
  const notices: string[] = [];
  const pins = await readPins(paths);
  for (const name of folders) {
    const imageDir = paths.imageDir(name);
    const imagePins = pins === undefined ? undefined : pins.get(name) ?? new Map<string, string[]>();
    // Cheap look first: taking a lock per image on every command would cost more than the check.
    if (!await driftOf(name, imageDir, imagePins, records)) continue;
    try {
      await withLock(paths.imageLock(name), async () => {
        const drift = await driftOf(name, imageDir, imagePins, records);
        if (drift) notices.push(...await repairDrift(paths, name, imageDir, drift));
      }, { timeoutMs: 0 });
    } catch { /* a live command holds the image: it finishes its own work */ }
  }
  return notices;
}
