/**
 * What a version publishes for peer-to-peer distribution (issue 17), beside
 * its root image `squashfs-<id>.img`:
 * - `squashfs-<id>.img.sha256`: the root image's sha256 (64 hex digits and a
 *   newline), which a node checks a download against;
 * - `squashfs-<id>.img.torrent`: BitTorrent v1 metainfo of the root image
 *   (made by the create-torrent package), announcing to the site's tracker.
 *   It names no web seeds (BEP 19): aria2c, the nodes' client, cannot be told
 *   to use web seeds as a fallback only, and pulls from them all along, so
 *   the server would send the image many times over. The boot servers seed
 *   over BitTorrent instead (`serve --seed`, system/bt-seeder.ts), and the
 *   nodes' fetch script falls back to plain HTTP over their servers itself.
 * Both are written before the version record (a version is complete when its
 * record is there, see versions.ts) and removed with the version. Their bytes
 * depend only on the root image and the sources: no creation date, so a
 * byte-identical rebuild publishes a byte-identical torrent.
 */
import { access, lstat, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isImageName } from '../names.js';
import type { Paths } from '../paths.js';
import type { SeedItem } from '../../system/bt-seeder.js';
import { writeFileAtomic } from '../state/atomic-file.js';
import { versionOfFile, versionRootFile } from './versions.js';

/** Metainfo file of version `id` (served: it holds no secret). */
export function versionTorrentFile(id: string): string { return `${versionRootFile(id)}.torrent`; }
/** Hash file of version `id`'s root image (served). */
export function versionSha256File(id: string): string { return `${versionRootFile(id)}.sha256`; }

/** Where peers meet. */
export interface ShareSources {
  /** Tracker announce URLs, in order (empty: the torrent names none, and nodes fall back to HTTP). */
  trackers: string[];
}

/**
 * Bytes of the metainfo of `rootFile` (named `name` in the torrent). The
 * piece length is the library's choice for the size (a power of two, at most
 * 4 MiB); the creation date it always adds is taken out again so the bytes
 * depend on the content only (bencode writes keys sorted: one encoding).
 */
export async function torrentBytes(rootFile: string, name: string, trackers: readonly string[]): Promise<Buffer> {
  // Loaded here: every command runs the version repair, few of them make a torrent.
  const [{ default: createTorrent }, { default: bencode }] = await Promise.all([import('create-torrent'), import('bencode')]);
  const made = await new Promise<Uint8Array>((resolve, reject) => {
    createTorrent(rootFile, {
      name,
      // An empty list, not none: without one, create-torrent adds public trackers.
      announceList: trackers.map((url) => [url]),
    }, (error, torrent) => (error ? reject(error) : resolve(torrent)));
  });
  const metainfo = bencode.decode(made) as Record<string, unknown>;
  delete metainfo['creation date'];
  return Buffer.from(bencode.encode(metainfo));
}

/**
 * Writes the hash and metainfo files of version `id` in `imageDir`
 * (atomically, world-readable: nodes fetch them). `rootSha256` is the root
 * image's hash, already computed by the publication.
 */
export async function writeVersionShare(imageDir: string, image: string, id: string, rootSha256: string, sources: ShareSources): Promise<void> {
  const root = versionRootFile(id);
  await writeFileAtomic(join(imageDir, versionSha256File(id)), `${rootSha256}\n`, 0o644);
  const torrent = await torrentBytes(join(imageDir, root), root, sources.trackers);
  await writeFileAtomic(join(imageDir, versionTorrentFile(id)), torrent, 0o644);
}

/**
 * Tracker announce URLs the torrent of version `id` in `imageDir` names, in
 * order (announce-list, else announce); undefined when the torrent is
 * missing or unreadable (the repair writes it again from the sources).
 */
export async function torrentTrackers(imageDir: string, id: string): Promise<string[] | undefined> {
  const bytes = await readFile(join(imageDir, versionTorrentFile(id))).catch(() => undefined);
  if (bytes === undefined) return undefined;
  const { default: bencode } = await import('bencode');
  try {
    const metainfo = bencode.decode(bytes) as Record<string, unknown>;
    const text = (value: unknown) => (value instanceof Uint8Array ? Buffer.from(value).toString('utf8') : undefined);
    const list = Array.isArray(metainfo['announce-list'])
      ? (metainfo['announce-list'] as unknown[]).flatMap((tier) => (Array.isArray(tier) ? tier.map(text) : []))
      : [text(metainfo.announce)];
    return list.filter((url): url is string => url !== undefined);
  } catch {
    return undefined;
  }
}

/** Whether both share files of version `id` are in `imageDir`. */
export async function hasVersionShare(imageDir: string, id: string): Promise<boolean> {
  try {
    await access(join(imageDir, versionSha256File(id)));
    await access(join(imageDir, versionTorrentFile(id)));
    return true;
  } catch {
    return false;
  }
}

/**
 * Every version of every image whose torrent and root image are both
 * regular files, by image then file name, as the seeder of `serve --seed`
 * takes them (the image folder, the root image's name in it). A torrent is written after its
 * root image is complete (see writeVersionShare), so a listed root image is
 * whole. Names come from the folders and pass the names module before use.
 */
export async function sharedVersions(paths: Paths): Promise<SeedItem[]> {
  const images = (await readdir(paths.imagesDir).catch(() => [] as string[])).filter(isImageName).sort();
  const shared: SeedItem[] = [];
  for (const image of images) {
    const dir = paths.imageDir(image);
    const files = (await readdir(dir).catch(() => [] as string[])).sort();
    for (const file of files) {
      // The one reading of versioned file names (versions.ts); only the torrents matter here.
      const id = versionOfFile(file);
      if (id === undefined || file !== versionTorrentFile(id)) continue;
      const rootFile = versionRootFile(id);
      const [torrent, root] = await Promise.all([lstat(join(dir, file)).catch(() => undefined), lstat(join(dir, rootFile)).catch(() => undefined)]);
      if (torrent?.isFile() && root?.isFile()) shared.push({ torrentFile: join(dir, file), dir, fileName: rootFile });
    }
  }
  return shared;
}
