/**
 * The BitTorrent side of bench/p2p-boot.ts, with the tool's own code: the
 * image's `.torrent` and `.sha256` are written by the publication's
 * writeVersionShare (core/image/version-share.ts: no web seeds, the
 * library's piece length), and tracker and seeder are `disklessset serve
 * --tracker --seed` (started by bench/p2p-boot-servers.ts).
 */
import { stat } from 'node:fs/promises';
import { fileSha256, versionRootFile, writeVersionRecord } from '../src/core/image/versions.js';
import { versionSha256File, versionTorrentFile, writeVersionShare } from '../src/core/image/version-share.js';
import { join } from 'node:path';

/** The root image's name for version `id`, and its share files' names. */
export function benchFiles(id: string): { root: string; torrent: string; sha256: string } {
  return { root: versionRootFile(id), torrent: versionTorrentFile(id), sha256: versionSha256File(id) };
}

/**
 * Writes `squashfs-<id>.img.torrent` (announcing to `trackerUrl`) and
 * `squashfs-<id>.img.sha256` beside the root image in `imageDir`, then the
 * version's record, as a publication does (without the record, the repair
 * every command runs first would remove the files as an unfinished version).
 */
export async function writeShareFiles(imageDir: string, image: string, id: string, trackerUrl: string): Promise<void> {
  const root = join(imageDir, versionRootFile(id));
  const sha256 = await fileSha256(root);
  await writeVersionShare(imageDir, image, id, sha256, { trackers: [trackerUrl] });
  await writeVersionRecord(imageDir, {
    id, date: new Date().toISOString(), rootSha256: sha256, kernel: null, initramfs: null, sourceDigest: null,
    rootBytes: (await stat(root)).size, treeBytes: null, command: 'bench p2p-boot', attributes: {},
  });
}
