/**
 * A cheap fingerprint of the overlay sources (`<configDir>/overlays/`): the
 * relative path, type, size, mode and modification time of every entry,
 * hashed. The start-of-command repair compares it with the one recorded at
 * the last build, so an edited template is followed without reading any file.
 */
import { createHash } from 'node:crypto';
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Paths } from '../../core/paths.js';

/** Folder of the site's overlays, `<configDir>/overlays/` (the layout; rendering reads it, delivery only watches it). */
export function overlaySourcesDir(paths: Paths): string {
  return join(paths.configDir, 'overlays');
}

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
    lines.push(`${prefix}${entry.name}\0${stats.mode.toString(8)}\0${stats.size}\0${stats.mtimeMs}`);
    // Links are not followed: rendering decides what a link means; its own change is seen here.
    if (stats.isDirectory()) await walk(path, `${prefix}${entry.name}/`, lines);
  }
}

/** SHA-256 hex of the overlay sources' listing (see the module comment); the same for a missing folder as for an empty one. */
export async function overlaySourcesFingerprint(paths: Paths): Promise<string> {
  const lines: string[] = [];
  await walk(overlaySourcesDir(paths), '', lines);
  return createHash('sha256').update(lines.join('\n')).digest('hex');
}
