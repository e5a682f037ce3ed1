/**
 * The start-of-command sweep of what killed writers leave in the tool's own
 * folders: temporary files and folders of atomic writes and lock takeovers
 * (`.<name>.tmp-<pid>-<hex>`, `.<name>.stale-<pid>-<hex>`) whose pid is gone,
 * and lock folders whose owner is dead. Only names of this exact shape are
 * touched, and only directly inside the folders given.
 */
import { readdirSync } from 'node:fs';
import { lstat, rm } from 'node:fs/promises';
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
    let names: string[];
    try {
      // Synchronous and names only: every command sweeps every image folder first (a promise per
      // folder through the thread pool cost more than the read), and a folder may hold 10,000
      // node files, of which only dotfiles and `.lock` names are looked at further.
      names = readdirSync(folder);
    } catch {
      continue;
    }
    for (const name of names) {
      if (!name.startsWith('.') && !name.endsWith('.lock')) continue;
      const path = join(folder, name);
      const owner = temporaryOwner(name);
      if (owner !== undefined) {
        if (owner === process.pid || pidExists(owner)) continue;
        await rm(path, { recursive: true, force: true });
        removed.push(path);
      } else if (name.endsWith('.lock') && (await lstat(path).catch(() => undefined))?.isDirectory() && await sweepStaleLock(path)) {
        removed.push(path);
      }
    }
  }
  return removed;
}
