/**
 * What a version publishes for peer-to-peer distribution (issue 17), beside
 * its root image `squashfs-<id>.img`:
 * - `squashfs-<id>.img.sha256`: the root image's sha256 (64 hex digits and a
 *   newline), which a node checks a download against;
 * - `squashfs-<id>.img.torrent`: BitTorrent v1 metainfo of the root image
 *   (made by the create-torrent package), announcing to the site's tracker,
 *   with the root image's URL on every boot server as web seeds (BEP 19), so
 *   a node can always fall back to plain HTTP.
 * Both are written before the version record (a version is complete when its
 * record is there, see versions.ts) and removed with the version. Their bytes
 * depend only on the root image and the sources: no creation date, so a
 * byte-identical rebuild publishes a byte-identical torrent.
 */
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import createTorrent from 'create-torrent';
import bencode from 'bencode';
import { writeFileAtomic } from '../state/atomic-file.js';
import { versionRootFile } from './versions.js';

/** Metainfo file of version `id` (served: it holds no secret). */
export function versionTorrentFile(id: string): string { return `${versionRootFile(id)}.torrent`; }
/** Hash file of version `id`'s root image (served). */
export function versionSha256File(id: string): string { return `${versionRootFile(id)}.sha256`; }

/** Where peers meet and where the bytes can always be fetched from. */
export interface ShareSources {
  /** Tracker announce URLs, in order (empty: the torrent names none, peers come from web seeds only). */
  trackers: string[];
  /** Base URLs of the boot servers (`http://HOST[:PORT][/PREFIX]`, no trailing `/`), in order. */
  servers: string[];
  /** URL path of the images folder (e.g. `/preboot_execution_environment/diskless/images`). */
  imagesPath: string;
}

/** The root image URL of version `id` of `image` on each server (the torrent's web seeds). */
export function webSeeds(sources: ShareSources, image: string, id: string): string[] {
  return sources.servers.map((base) => `${base}${sources.imagesPath}/${image}/${versionRootFile(id)}`);
}

/**
 * Bytes of the metainfo of `rootFile` (named `name` in the torrent). The
 * piece length is the library's choice for the size (a power of two, at most
 * 4 MiB); the creation date it always adds is taken out again so the bytes
 * depend on the content only (bencode writes keys sorted: one encoding).
 */
export async function torrentBytes(rootFile: string, name: string, trackers: readonly string[], urls: readonly string[]): Promise<Buffer> {
  const made = await new Promise<Uint8Array>((resolve, reject) => {
    createTorrent(rootFile, {
      name,
      // An empty list, not none: without one, create-torrent adds public trackers.
      announceList: trackers.map((url) => [url]),
      urlList: [...urls],
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
  const torrent = await torrentBytes(join(imageDir, root), root, sources.trackers, webSeeds(sources, image, id));
  await writeFileAtomic(join(imageDir, versionTorrentFile(id)), torrent, 0o644);
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

