/**
 * The start-of-command sweep of what killed writers leave in the tool's own
 * folders: temporary files and folders of atomic writes and lock takeovers
 * (`.<name>.tmp-<pid>-<hex>`, `.<name>.stale-<pid>-<hex>`) whose pid is gone,
 * and lock folders whose owner is dead. Only names of this exact shape are
 * touched, and only directly inside the folders given.
 */
import { readdirSync, type Dirent } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { sweepStaleLock } from './lock.js';
import { pidExists } from './process-identity.js';

const TEMPORARY = /^\..+\.(?:tmp|stale)-(\d+)-[0-9a-f]+$/;

/** The writer pid encoded in a temporary name, if the name is one. */
function temporaryOwner(name: string): number | undefined {
  const match = TEMPORARY.exec(name);
  return match?.[1] ? Number(match[1]) : undefined;
}

/**
 * Deletes the leftovers of dead writers directly inside each of `folders`
 * (missing folders are skipped). Returns the paths removed.
 */
export async function sweepLeftovers(folders: readonly string[]): Promise<string[]> {
  const removed: string[] = [];
  for (const folder of folders) {
    let entries: Dirent[];
    try {
      // Synchronous: every command sweeps every image folder first, and a promise per
      // folder through the thread pool cost more than the read (1,000 images: 1,000 folders).
      entries = readdirSync(folder, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of entries) {
      const path = join(folder, entry.name);
      const owner = temporaryOwner(entry.name);
      if (owner !== undefined) {
        if (owner === process.pid || pidExists(owner)) continue;
        await rm(path, { recursive: true, force: true });
        removed.push(path);
      } else if (entry.isDirectory() && entry.name.endsWith('.lock') && await sweepStaleLock(path)) {
        removed.push(path);
      }
    }
  }
  return removed;
}
