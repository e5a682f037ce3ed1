/**
 * The world a hostile-input test runs in: a temporary base folder holding a
 * root prefix nested several levels deep, with sentinel folders ("victim")
 * at every level between the base and the root. A traversal name such as
 * `../../../../victim` therefore lands on a sentinel (inside the base) from any
 * of the tool's folders, never on the host's real files, and any change it
 * makes shows in the checksum of the sentinel zone.
 */
import { createHash } from 'node:crypto';
import { lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

/** How many folders sit between the base and the root prefix. */
export const NESTING = 14;

/** A base folder with a nested root and sentinels. */
export interface HostileWorld {
  base: string;
  root: string;
  /** A folder outside the base for input files (spec files, archives) the cases read. */
  inputs: string;
  /** Checksum of everything under the base except the root prefix. */
  sentinelChecksum(): Promise<string>;
  /** Checksum of the root prefix (paths, types, modes, contents). */
  rootChecksum(): Promise<string>;
  cleanup(): Promise<void>;
}

/** Hashes a tree: every path with its type, mode, size and content (link targets for symlinks). */
async function treeChecksum(top: string, skip?: string): Promise<string> {
  const hash = createHash('sha256');
  const walk = async (dir: string): Promise<void> => {
    let names: string[];
    try {
      names = (await readdir(dir)).sort();
    } catch {
      return;
    }
    for (const name of names) {
      const full = join(dir, name);
      if (full === skip) continue;
      const info = await lstat(full);
      hash.update(`${relative(top, full)}\0${info.mode}\0`);
      if (info.isSymbolicLink()) hash.update(await readlink(full));
      else if (info.isFile()) hash.update(await readFile(full));
      else if (info.isDirectory()) await walk(full);
      hash.update('\n');
    }
  };
  await walk(top);
  return hash.digest('hex');
}

/** Makes the base, the nested root and a sentinel folder with content at every level. */
export async function makeHostileWorld(): Promise<HostileWorld> {
  const base = await mkdtemp(join(tmpdir(), 'disklessset-test-hostile-'));
  let level = base;
  for (let depth = 0; depth < NESTING; depth += 1) {
    await mkdir(join(level, 'victim', 'victim.lock'), { recursive: true });
    await writeFile(join(level, 'victim', 'precious.txt'), `sentinel at depth ${depth}\n`);
    await writeFile(join(level, 'victim', 'victim.lock', 'owner.json'), '{"pid":1}\n');
    await writeFile(join(level, 'victim.lock'), 'not a lock\n');
    level = join(level, `level${depth}`);
  }
  const root = join(level, 'root');
  await mkdir(root, { recursive: true });
  const inputs = await mkdtemp(join(tmpdir(), 'disklessset-test-inputs-'));
  return {
    base,
    root,
    inputs,
    sentinelChecksum: () => treeChecksum(base, root),
    rootChecksum: () => treeChecksum(root),
    cleanup: async () => {
      const { unmountTree } = await import('../../src/system/mount.js');
      await unmountTree(base);
      await rm(base, { recursive: true, force: true });
      await rm(inputs, { recursive: true, force: true });
    },
  };
}

/**
 * `../` repeated 1 to NESTING + 1 times, then `victim`: from any folder at or
 * below the root, the deepest one climbs at most to the base, never above it.
 */
export function traversalNames(): string[] {
  const names: string[] = [];
  for (let ups = 1; ups <= NESTING + 1; ups += 1) names.push(`${'../'.repeat(ups)}victim`);
  return names;
}
