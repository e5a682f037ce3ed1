/**
 * Image versions: each publication of a bootable image is a version whose id
 * is a short content hash of what nodes fetch (the root image's bytes, the
 * kernel and initramfs it boots, how it is booted, the boot file text: see
 * modules/livenet/publication.ts). A version's files sit in
 * the image folder under names carrying the id (`squashfs-<id>.img`,
 * `boot-<id>.ipxe`), whose content never changes once written, so caches may
 * keep them forever; `version-<id>.yml` (never served) records it and is
 * written last: a version is complete when its record is there.
 *
 * The current version is the `version` attribute of image_data.yml, saved
 * atomically (the pointer). `boot.ipxe` and `squashfs.img` are hard links to
 * the current version's files, replaced by rename; the repair at the start
 * of every command (version-repair.ts) brings them back in line with the
 * pointer and removes what a killed publication left.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { link, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseYamlText, stringifyYaml } from '../yaml-text.js';
import { isVersionId } from '../names.js';
import { fsyncDirectory, temporarySibling, writeFileAtomic } from '../state/atomic-file.js';

/** Names the current version is published under (hard links to its versioned files). */
export const PUBLISHED_BOOT_FILE = 'boot.ipxe';
export const PUBLISHED_ROOT_FILE = 'squashfs.img';

/** File of version `id` that nodes boot with (its iPXE boot file). */
export function versionBootFile(id: string): string { return `boot-${checkedId(id)}.ipxe`; }
/** Root image file of version `id`. */
export function versionRootFile(id: string): string { return `squashfs-${checkedId(id)}.img`; }
/** Content manifest of version `id` (modules/livenet/manifest.ts; mode 0600, never served); versions published before it have none. */
export function versionManifestFile(id: string): string { return `manifest-${checkedId(id)}.tsv`; }
/** Record of version `id` (YAML: hidden from serving). */
export function versionRecordFile(id: string): string { return `version-${checkedId(id)}.yml`; }

// The root image's `.torrent` and `.sha256` (version-share.ts) belong to its version too.
const VERSIONED_FILE = /^(?:boot-([0-9a-f]{12})\.ipxe|squashfs-([0-9a-f]{12})\.img(?:\.torrent|\.sha256)?|version-([0-9a-f]{12})\.yml|manifest-([0-9a-f]{12})\.tsv)$/;

/** The version id a file name of the image folder belongs to, if it is a versioned file. */
export function versionOfFile(file: string): string | undefined {
  const match = VERSIONED_FILE.exec(file);
  return match ? match[1] ?? match[2] ?? match[3] ?? match[4] : undefined;
}

function checkedId(id: string): string {
  if (!isVersionId(id)) throw new Error(`internal: invalid version id ${JSON.stringify(id)}`);
  return id;
}

/** What a version is made of, as recorded (camelCase, shown by `image history --json`). */
export interface VersionRecord {
  id: string;
  /** ISO 8601 time it was first published. */
  date: string;
  /** sha256 (hex) of its root image file. */
  rootSha256: string;
  kernel: string | null;
  initramfs: string | null;
  /** Manifest digest of a container-image source, null for other sources. */
  sourceDigest: string | null;
  rootBytes: number;
  /** Bytes of the OS tree it was made from, when known. */
  treeBytes: number | null;
  /** The command that made it (program name left out), e.g. `livenet rebuild img1`. */
  command: string;
  /** Image attributes of this version, restored by a rollback (no secret among them). */
  attributes: Record<string, unknown>;
}

/** Image attributes a version restores on rollback (what it was built with; never a secret). */
const VERSION_ATTRIBUTES = ['kernel', 'image', 'layout', 'livenet_size', 'compression', 'selinux', 'source_digest', 'root_sha256'] as const;

/** Every attribute a version restores, null for one it lacks (a rollback removes it). */
export function versionAttributes(data: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(VERSION_ATTRIBUTES.map((key) => [key, data[key] ?? null]));
}

/**
 * What a rollback to `record` puts back into the image data: the attributes
 * versions record and no other key (a hand-edited record may add `name`,
 * `password` or anything else), with the kernel and initramfs its record
 * names at top level (the values the rollback checks), never the copies
 * under `attributes`.
 */
export function restoredAttributes(record: VersionRecord): Record<string, unknown> {
  const recorded: Record<string, unknown> = record.attributes !== null && typeof record.attributes === 'object' ? record.attributes : {};
  return { ...versionAttributes(recorded), kernel: record.kernel ?? null, image: record.initramfs ?? null };
}

/** What goes into a version id besides the root image's bytes. */
export interface VersionParts {
  rootSha256: string;
  kernel: string | null;
  initramfs: string | null;
  /** Other settings changing what nodes fetch or how they boot it (layout, SELinux...). */
  boot: Record<string, unknown>;
}

/** The id of a version: the first 12 hex digits of a sha256 over its parts (keys sorted). */
export function versionId(parts: VersionParts): string {
  const boot = Object.fromEntries(Object.entries(parts.boot).sort(([a], [b]) => a.localeCompare(b)));
  const text = JSON.stringify([parts.rootSha256, parts.kernel, parts.initramfs, boot]);
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}

/** sha256 (hex) of a file, streamed in 1 MiB reads: linear in its size, constant memory (root images, manifest entries). */
export async function fileSha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Reads the record of version `id` in `imageDir`; undefined when missing or unreadable (an unreadable record is no version). */
export async function readVersion(imageDir: string, id: string): Promise<VersionRecord | undefined> {
  try {
    const record = parseYamlText(await readFile(join(imageDir, versionRecordFile(id)), 'utf8')) as VersionRecord | null;
    if (!record || typeof record !== 'object' || record.id !== id || typeof record.rootSha256 !== 'string') return undefined;
    return record;
  } catch {
    return undefined;
  }
}

/** Complete versions of an image (record and root file present), newest first. */
export async function listVersions(imageDir: string): Promise<VersionRecord[]> {
  let names: string[];
  try {
    names = await readdir(imageDir);
  } catch {
    return [];
  }
  const present = new Set(names);
  const records: VersionRecord[] = [];
  for (const name of names) {
    const id = /^version-([0-9a-f]{12})\.yml$/.exec(name)?.[1];
    if (!id || !present.has(versionRootFile(id))) continue;
    const record = await readVersion(imageDir, id);
    if (record) records.push(record);
  }
  return records.sort((a, b) => b.date.localeCompare(a.date) || a.id.localeCompare(b.id));
}

/** Writes the record of a version (last step of making it: it completes the version). */
export async function writeVersionRecord(imageDir: string, record: VersionRecord): Promise<void> {
  await writeFileAtomic(join(imageDir, versionRecordFile(record.id)), stringifyYaml(record), 0o600);
}

/** Makes `published` (a name in `imageDir`) a hard link of `versioned`, by rename: readers see the old or the new file. */
export async function linkPublished(imageDir: string, versioned: string, published: string): Promise<void> {
  const target = join(imageDir, published);
  const source = join(imageDir, versioned);
  const [now, wanted] = await Promise.all([stat(target).catch(() => undefined), stat(source)]);
  if (now?.ino === wanted.ino && now.dev === wanted.dev) return;
  const temporary = temporarySibling(target);
  await link(source, temporary);
  await rename(temporary, target);
  await fsyncDirectory(imageDir);
}

/** Removes the files of version `id`, record first (a kill half-way leaves files without record, which the repair removes). */
export async function removeVersion(imageDir: string, id: string): Promise<void> {
  await rm(join(imageDir, versionRecordFile(id)), { force: true });
  await rm(join(imageDir, versionBootFile(id)), { force: true });
  await rm(join(imageDir, versionManifestFile(id)), { force: true });
  await rm(join(imageDir, `${versionRootFile(id)}.torrent`), { force: true });
  await rm(join(imageDir, `${versionRootFile(id)}.sha256`), { force: true });
  await rm(join(imageDir, versionRootFile(id)), { force: true });
}

/**
 * Keeps the `kept` newest versions and every version of `protect` (the
 * current one, versions nodes are pinned to); removes the others, and a
 * version whose record is unreadable (edited by hand: it has no date to
 * rank it by) unless protected. Returns the removed ids.
 */
export async function pruneVersions(imageDir: string, kept: number, protect: ReadonlySet<string>): Promise<string[]> {
  const versions = await listVersions(imageDir);
  const removed: string[] = [];
  const listed = new Set(versions.map((version) => version.id));
  for (const file of await readdir(imageDir).catch(() => [] as string[])) {
    const id = /^version-([0-9a-f]{12})\.yml$/.exec(file)?.[1];
    if (id === undefined || listed.has(id) || protect.has(id)) continue;
    await removeVersion(imageDir, id);
    removed.push(id);
  }
  for (const [index, version] of versions.entries()) {
    if (index < kept || protect.has(version.id)) continue;
    await removeVersion(imageDir, version.id);
    removed.push(version.id);
  }
  return removed;
}
