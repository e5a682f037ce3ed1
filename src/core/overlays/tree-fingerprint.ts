/**
 * Cheap fingerprints of what overlays are made from, without reading any
 * file's content: a folder tree's listing (relative path, type, mode, owner,
 * group, size, modification and change times of every entry) and the account files overlay.yml
 * names are resolved with. The start-of-command repair compares the site
 * overlays' fingerprint with the last build's; the context digest of a build
 * (render-session.ts) covers every overlay folder and the account files this way.
 *
 * The owner and group are in the listing because a site file without an
 * overlay.yml setting is delivered with its own (a `chown` changes neither
 * size nor modification time). The change time (ctime) is there because
 * nobody can set it: a file rewritten with its size kept and its
 * modification time put back (`touch -d`, `cp -p`, `rsync -t`) still gets a
 * new one, and so does any chmod or chown.
 */
import { createHash } from 'node:crypto';
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

async function walk(dir: string, prefix: string, lines: string[]): Promise<void> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = join(dir, entry.name);
    const stats = await lstat(path).catch(() => undefined);
    if (!stats) continue;
    lines.push(`${prefix}${entry.name}\0${stats.mode.toString(8)}\0${stats.uid}:${stats.gid}\0${stats.size}\0${stats.mtimeMs}\0${stats.ctimeMs}`);
    // Links are not followed: rendering decides what a link means; its own change is seen here.
    if (stats.isDirectory()) await walk(path, `${prefix}${entry.name}/`, lines);
  }
}

/** SHA-256 hex of the listing of the tree under `dir` (see the module comment); the same for a missing folder as for an empty one. */
export async function treeFingerprint(dir: string): Promise<string> {
  const lines: string[] = [];
  await walk(dir, '', lines);
  return createHash('sha256').update(lines.join('\n')).digest('hex');
}

/** Size, modification and change times and inode of each of `files` ('-' for a missing one), as one line. */
export async function filesFingerprint(files: readonly string[]): Promise<string> {
  const parts = await Promise.all(files.map(async (file) => {
    const stats = await lstat(file).catch(() => undefined);
    return stats ? `${stats.size}:${stats.mtimeMs}:${stats.ctimeMs}:${stats.ino}` : '-';
  }));
  return parts.join(' ');
}
