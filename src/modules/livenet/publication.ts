/**
 * Publishing a livenet image as a version (see core/image/versions.ts): the
 * one path by which a create, rebuild, resize, edit or kernel change reaches
 * the nodes. A root image identical to the current one (same bytes, kernel,
 * layout, boot file, tracker...) makes no new version: the publication
 * reports `unchanged`.
 */
import { createHash } from 'node:crypto';
import { link, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic, temporarySibling } from '../../core/state/atomic-file.js';
import { isVersionId } from '../../core/names.js';
import {
  fileSha256, linkPublished, versionAttributes, PUBLISHED_BOOT_FILE, PUBLISHED_ROOT_FILE, readVersion, versionBootFile, versionId, versionManifestFile, versionRootFile,
  writeVersionRecord, type VersionParts, type VersionRecord,
} from '../../core/image/versions.js';
import { torrentTrackers, writeVersionShare, type ShareSources } from '../../core/image/version-share.js';

/** What a publication needs of the image (`LivenetImage` fulfils it). */
export interface PublishedImage {
  readonly name: string;
  readonly imageDirectory: string;
  readonly data: Record<string, unknown> & { kernel?: string; image?: string };
  /** Boot file text of version `id` (its root file named by id). */
  bootFileOf(id: string): string;
  /** Settings besides the root file's bytes that change how nodes boot it. */
  bootSettings(): Record<string, unknown>;
  /** The trackers the version's torrent names (see core/image/share-sources.ts). */
  shareSources(): ShareSources;
}

/** What a publication is asked to publish. */
export interface Publication {
  /** A new root image (a temporary file in the image folder), moved or removed by the publication; none: the current root file again. */
  pendingRoot?: string;
  /** The command that asks, for the history (e.g. `livenet rebuild img1`). */
  command: string;
  treeBytes?: number;
  /** The content manifest of `pendingRoot`'s tree (a temporary file in the image folder, manifest.ts), moved or removed by the publication. */
  manifest?: string;
  /** `pendingRoot` holds the current version's tree as it was (a resize): the current version's manifest applies to it. */
  sameTree?: boolean;
}

/**
 * Gives version `id` its content manifest, before its record: the one the
 * build wrote, or, when the root holds the current version's tree (no new
 * root, a resize), the current version's (a link). None when neither exists.
 */
async function placeManifest(dir: string, id: string, publication: Publication, current: unknown): Promise<void> {
  const target = join(dir, versionManifestFile(id));
  if (publication.manifest) {
    await rename(publication.manifest, target);
    return;
  }
  if ((publication.pendingRoot && !publication.sameTree) || !isVersionId(current) || current === id) return;
  const temporary = temporarySibling(target);
  // A version published before manifests were kept has none: so has this one.
  if (!await link(join(dir, versionManifestFile(current)), temporary).then(() => true, () => false)) return;
  await rename(temporary, target);
}

/** The root file published now: the current version's, or (an image made before versions) `squashfs.img`. */
function currentRootFile(image: PublishedImage): string {
  const version = image.data.version;
  return join(image.imageDirectory, isVersionId(version) ? versionRootFile(version) : PUBLISHED_ROOT_FILE);
}

/** Stands for the version's own root file name in the boot file text an id covers (that name holds the id itself). */
const ROOT_NAME_PLACEHOLDER = '000000000000';

/** Whether the torrent of version `id` names `trackers` (a missing torrent is written again from them). */
async function announces(dir: string, id: string, trackers: readonly string[]): Promise<boolean> {
  const named = await torrentTrackers(dir, id);
  return named === undefined || JSON.stringify(named) === JSON.stringify(trackers);
}

/**
 * The id of what would be published: it covers the boot file's bytes and the
 * torrent's trackers too, so any change to what nodes fetch gives a new id
 * (files served as immutable never change under one id). No tracker adds
 * nothing to the id. A version published before a rule (its id without the
 * boot file, or without the trackers) stays current while its files hold the
 * very bytes and trackers that would be written, or are gone and made again.
 */
async function idOf(image: PublishedImage, parts: VersionParts, trackers: readonly string[]): Promise<string> {
  const dir = image.imageDirectory;
  const earlier = versionId(parts);
  if (image.data.version === earlier && await announces(dir, earlier, trackers)) {
    const bytes = await readFile(join(dir, versionBootFile(earlier)), 'utf8').catch(() => undefined);
    if (bytes === undefined || bytes === image.bootFileOf(earlier)) return earlier;
  }
  const bootFileSha256 = createHash('sha256').update(image.bootFileOf(ROOT_NAME_PLACEHOLDER)).digest('hex');
  const withBootFile = versionId({ ...parts, boot: { ...parts.boot, bootFileSha256 } });
  const kept = image.data.version !== withBootFile || await announces(dir, withBootFile, trackers);
  // The current version names a tracker no longer configured: an empty list counts then, to give another id.
  if (kept && trackers.length === 0) return withBootFile;
  if (kept && image.data.version === withBootFile) return withBootFile;
  return versionId({ ...parts, boot: { ...parts.boot, bootFileSha256, trackers } });
}

/**
 * Publishes the image's data with `publication.pendingRoot` (or its current
 * root file) as a version: makes the version's files if it is new, sets
 * `version` and `root_sha256` in the data, and links `boot.ipxe` and
 * `squashfs.img` to it. The caller saves the data afterwards (the pointer):
 * killed before, the repair links the old version again.
 * @returns the version id; `unchanged` when it is the current version already.
 */
export async function publishVersion(image: PublishedImage, publication: Publication): Promise<{ id: string; unchanged: boolean }> {
  const dir = image.imageDirectory;
  const root = publication.pendingRoot ?? currentRootFile(image);
  const rootSha256 = publication.pendingRoot || typeof image.data.root_sha256 !== 'string' ? await fileSha256(root) : image.data.root_sha256;
  const sources = image.shareSources();
  const parts = { rootSha256, kernel: image.data.kernel ?? null, initramfs: image.data.image ?? null, boot: image.bootSettings() };
  const id = await idOf(image, parts, sources.trackers);
  // A version is there when its record and files are (a file deleted by hand is made again, see version-repair.ts).
  const recorded = await readVersion(dir, id) !== undefined;
  const [rootThere, bootThere] = await Promise.all([versionRootFile(id), versionBootFile(id)]
    .map((file) => stat(join(dir, file)).then(() => true, () => false)));
  const complete = recorded && rootThere === true && bootThere === true;
  const unchanged = id === image.data.version && complete;
  if (recorded && rootThere === true && bootThere !== true) {
    // Only the boot file is gone (deleted by hand): it alone is made again; the record keeps when and how the version was made.
    await writeFileAtomic(join(dir, versionBootFile(id)), image.bootFileOf(id), 0o644);
  } else if (!complete) {
    const rootFile = join(dir, versionRootFile(id));
    // Made and then recorded: files without a record are an unfinished version, removed by the repair.
    if (publication.pendingRoot) await rename(publication.pendingRoot, rootFile);
    else if (root !== rootFile) {
      // A rename onto another link of the same file does nothing and would leave the temporary name behind.
      const temporary = temporarySibling(rootFile);
      await link(root, temporary);
      await rename(temporary, rootFile);
    }
    image.data.root_sha256 = rootSha256;
    await writeFileAtomic(join(dir, versionBootFile(id)), image.bootFileOf(id), 0o644);
    // Before the record too: a version is never complete without the files peer-to-peer nodes fetch first.
    await writeVersionShare(dir, image.name, id, rootSha256, sources);
    await placeManifest(dir, id, publication, image.data.version);
    const record: VersionRecord = {
      id, date: new Date().toISOString(), rootSha256, kernel: image.data.kernel ?? null, initramfs: image.data.image ?? null,
      sourceDigest: typeof image.data.source_digest === 'string' ? image.data.source_digest : null,
      rootBytes: (await stat(rootFile)).size, treeBytes: publication.treeBytes ?? null, command: publication.command,
      attributes: versionAttributes(image.data),
    };
    await writeVersionRecord(dir, record);
  }
  if (publication.pendingRoot) await rm(publication.pendingRoot, { force: true });
  if (publication.manifest) await rm(publication.manifest, { force: true });
  if (!unchanged && image.data.version !== id) {
    // What `rollback --to previous` goes back to; a new publication is no rollback any more.
    if (isVersionId(image.data.version)) image.data.previous_version = image.data.version;
    delete image.data.rolled_back_from;
  }
  image.data.root_sha256 = rootSha256;
  image.data.version = id;
  await linkPublished(dir, versionBootFile(id), PUBLISHED_BOOT_FILE);
  await linkPublished(dir, versionRootFile(id), PUBLISHED_ROOT_FILE);
  return { id, unchanged };
}
