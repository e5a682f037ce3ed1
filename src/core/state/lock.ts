/**
 * An inter-process lock on a state file. The lock is a folder holding the
 * owner's identity. It is prepared under a temporary name (owner file
 * included) and renamed into place, which fails while another non-empty lock
 * folder is there: a lock is never seen without its owner, so a lock whose
 * owner died can always be recognised and taken over (or swept by
 * {@link sweepStaleLock}), and a crash never blocks the tool.
 */
import { appendFile, mkdir, readFile, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { temporarySibling } from './atomic-file.js';
import { isDiskFull, noSpaceError } from './disk-full.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConflictError } from '../../errors/index.js';
import { identify, isAlive, type ProcessIdentity } from './process-identity.js';
import { stopBuildChildren, type JournaledChild } from './build-children.js';
import { trackChildren } from '../../system/runner.js';

const OWNER_FILE = 'owner.json';
/** One JSON identity per line: the commands the holder started (each in its own process group). */
const CHILDREN_FILE = 'children';
const ORPHAN_LOCK_MS = 10_000;

async function olderThan(path: string, ms: number): Promise<boolean> {
  try {
    return Date.now() - (await stat(path)).mtimeMs > ms;
  } catch {
    return false;
  }
}

async function readOwner(lockDir: string): Promise<ProcessIdentity | undefined> {
  try {
    return JSON.parse(await readFile(join(lockDir, OWNER_FILE), 'utf8')) as ProcessIdentity;
  } catch {
    return undefined;
  }
}

async function readChildren(lockDir: string): Promise<JournaledChild[]> {
  const text = await readFile(join(lockDir, CHILDREN_FILE), 'utf8').catch(() => '');
  return text.split('\n').flatMap((line) => {
    try {
      const child = JSON.parse(line) as ProcessIdentity;
      return Number.isInteger(child.pid) ? [{ pid: child.pid, start_time: child.startTime }] : [];
    } catch {
      return [];
    }
  });
}

/**
 * Moves a dead owner's lock aside. Renaming first (rather than deleting) means
 * that of two processes racing to break the same stale lock, only one succeeds;
 * the loser's rename fails with ENOENT and it simply retries.
 */
async function breakStaleLock(lockDir: string, owner: ProcessIdentity | undefined): Promise<void> {
  const graveyard = temporarySibling(lockDir, 'stale');
  try {
    await rename(lockDir, graveyard);
  } catch {
    return;
  }
  const movedOwner = await readOwner(graveyard);
  if (movedOwner?.pid === owner?.pid && movedOwner?.startTime === owner?.startTime) {
    try {
      // The dead holder's commands (a `cp` into a node tree...) must not outlive its lock.
      await stopBuildChildren(await readChildren(graveyard), owner?.bootId);
    } catch (error) {
      await rename(graveyard, lockDir).catch(() => undefined);
      throw error;
    }
    await rm(graveyard, { recursive: true, force: true });
    return;
  }
  // We moved a lock that a live process had just taken: give it back if the slot is still free.
  try {
    await rename(graveyard, lockDir);
  } catch {
    await rm(graveyard, { recursive: true, force: true });
  }
}

/** Options of {@link withLock}. */
export interface LockOptions {
  /** Give up after this long (default 60 s). */
  timeoutMs?: number;
}

/**
 * Runs `action` while holding the lock `<file>.lock`. Waits for other holders;
 * breaks the lock of a dead holder.
 */
export async function withLock<T>(file: string, action: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  const lockDir = `${file}.lock`;
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  await mkdir(dirname(lockDir), { recursive: true });
  let delay = 2;
  for (;;) {
    if (await tryAcquire(lockDir)) break;
    const owner = await readOwner(lockDir);
    if (owner && !isAlive(owner)) {
      await breakStaleLock(lockDir, owner);
      continue;
    }
    // A lock folder without owner comes from an older version (mkdir, then write):
    // its holder is between the two steps, unless that has lasted long enough to mean it died.
    if (!owner && await olderThan(lockDir, ORPHAN_LOCK_MS)) {
      await breakStaleLock(lockDir, undefined);
      continue;
    }
    if (Date.now() >= deadline) {
      throw new ConflictError('E_LOCK_TIMEOUT', `could not lock ${file}: held by pid ${owner?.pid ?? 'unknown'}`,
        'wait for the other disklessset command to finish');
    }
    await sleep(delay);
    delay = Math.min(delay * 2, 50);
  }
  try {
    // Commands run while holding the lock are recorded in it, so whoever breaks it after a kill stops them.
    return await trackChildren((pid) => appendFile(join(lockDir, CHILDREN_FILE), `${JSON.stringify(identify(pid))}\n`), action);
  } finally {
    // Moved aside first: deleting in place would leave, for a moment, an empty lock folder
    // that the next holder's rename could replace, and our delete would then hit its lock.
    const released = temporarySibling(lockDir, 'stale');
    await rename(lockDir, released);
    await rm(released, { recursive: true, force: true });
  }
}

/**
 * Takes the lock folder if free: prepares `.<lock>.tmp-<pid>-<hex>` with the
 * owner file, then renames it into place. The temporary folder carries our pid,
 * so a kill in between leaves a leftover the sweep recognises as dead.
 */
async function tryAcquire(lockDir: string): Promise<boolean> {
  const prepared = temporarySibling(lockDir);
  try {
    await mkdir(prepared);
  } catch (error) {
    throw isDiskFull(error) ? noSpaceError(dirname(lockDir), error) : error;
  }
  try {
    await writeFile(join(prepared, OWNER_FILE), JSON.stringify(identify()));
    await rename(prepared, lockDir);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (isDiskFull(error)) throw noSpaceError(dirname(lockDir), error);
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw error;
    return false;
  } finally {
    await rm(prepared, { recursive: true, force: true });
  }
}

/**
 * Removes `lockDir` if its owner is dead (or, for an ownerless folder left by
 * an older version, if it is old). Returns whether it was removed. Used by the
 * start-of-command sweep, so no stale lock outlives the next command.
 */
export async function sweepStaleLock(lockDir: string): Promise<boolean> {
  const owner = await readOwner(lockDir);
  if (!owner) {
    // A release killed between deleting the owner file and the folder leaves it empty:
    // rmdir only succeeds on an empty folder, so it can never remove a live lock.
    try {
      await rmdir(lockDir);
      return true;
    } catch { /* not empty: maybe an older version's holder between its two steps */ }
  }
  if (owner ? isAlive(owner) : !(await olderThan(lockDir, ORPHAN_LOCK_MS))) return false;
  await breakStaleLock(lockDir, owner);
  return true;
}
