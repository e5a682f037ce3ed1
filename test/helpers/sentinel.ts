/**
 * A folder OUTSIDE the temporary root, filled with files a hostile input
 * might try to reach (a stale-looking lock folder, a tree, a file). Tests
 * fingerprint it before and after: any change means the tool touched
 * something outside its root.
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

/** A sentinel folder and how to check it. */
export interface Sentinel {
  dir: string;
  /** Path of `name` inside the sentinel, relative to `from` (to build `../..` names). */
  relativeFrom(from: string, name: string): string;
  /** One line per entry (path, type, content hash) of the sentinel, sorted. */
  fingerprint(): Promise<string[]>;
  cleanup(): Promise<void>;
}

/** Lists `dir` recursively as `path type hash` lines (links are not followed). */
export async function fingerprintTree(dir: string): Promise<string[]> {
  const lines: string[] = [];
  for (const entry of (await readdir(dir, { recursive: true })).map(String).sort()) {
    const full = join(dir, entry);
    const info = await stat(full).catch(() => undefined);
    if (!info) lines.push(`${entry} dangling`);
    else if (info.isDirectory()) lines.push(`${entry} dir`);
    else lines.push(`${entry} file ${createHash('sha256').update(await readFile(full)).digest('hex')}`);
  }
  return lines;
}

/** Makes a sentinel folder with a `victim.lock` folder (old enough to look stale), a `victim` tree and a file. */
export async function makeSentinel(): Promise<Sentinel> {
  const dir = await mkdtemp(join(tmpdir(), 'disklessset-sentinel-'));
  await mkdir(join(dir, 'victim.lock'));
  await writeFile(join(dir, 'victim.lock', 'owner.json'), '{"pid":1,"startTime":"0"}');
  await writeFile(join(dir, 'victim.lock', 'precious.txt'), 'must survive\n');
  // An hour old: a lock breaker that reached it would take it for an orphan.
  const hourAgo = new Date(Date.now() - 3600_000);
  await utimes(join(dir, 'victim.lock'), hourAgo, hourAgo);
  await mkdir(join(dir, 'victim', 'sub'), { recursive: true });
  await writeFile(join(dir, 'victim', 'sub', 'data.txt'), 'keep me\n');
  await writeFile(join(dir, 'file.txt'), 'sentinel\n');
  return {
    dir,
    relativeFrom: (from, name) => relative(from, join(dir, name)),
    fingerprint: () => fingerprintTree(dir),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}
