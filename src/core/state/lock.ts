/**
 * An inter-process lock on a state file. The lock is a folder created with
 * mkdir (atomic on every local file system) holding the owner's identity; a
 * lock whose owner died is taken over, so a crash never blocks the tool.
 */
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConflictError } from '../errors.js';
import { identify, isAlive, type ProcessIdentity } from './process-identity.js';

const OWNER_FILE = 'owner.json';
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

/**
 * Moves a dead owner's lock aside. Renaming first (rather than deleting) means
 * that of two processes racing to break the same stale lock, only one succeeds;
 * the loser's rename fails with ENOENT and it simply retries.
 */
async function breakStaleLock(lockDir: string, owner: ProcessIdentity | undefined): Promise<void> {
  const graveyard = `${lockDir}.stale-${process.pid}-${Date.now()}`;
  try {
    await rename(lockDir, graveyard);
  } catch {
    return;
  }
  const movedOwner = await readOwner(graveyard);
  if (movedOwner?.pid === owner?.pid && movedOwner?.startTime === owner?.startTime) {
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
    try {
      await mkdir(lockDir);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = await readOwner(lockDir);
    if (owner && !isAlive(owner)) {
      await breakStaleLock(lockDir, owner);
      continue;
    }
    // An owner file not yet written means the holder is between mkdir and write: wait,
    // unless that has lasted so long that the holder must have died in between.
    if (!owner && await olderThan(lockDir, ORPHAN_LOCK_MS)) {
      await breakStaleLock(lockDir, undefined);
      continue;
    }
    if (Date.now() > deadline) {
      throw new ConflictError('E_LOCK_TIMEOUT', `could not lock ${file}: held by pid ${owner?.pid ?? 'unknown'}`,
        'wait for the other disklessset command to finish');
    }
    await sleep(delay);
    delay = Math.min(delay * 2, 50);
  }
  try {
    await writeFile(join(lockDir, OWNER_FILE), JSON.stringify(identify()));
    return await action();
  } finally {
    await rm(lockDir, { recursive: true, force: true });
  }
}
