/**
 * An inter-process lock on a state file: the folder `<file>.lock`.
 *
 * Each holding is named by a token, unique per acquisition, and leaves two
 * files in the folder: `owner-<token>.json` (the holder's identity) and, once
 * it starts commands, `children-<token>` (their process groups). The folder is
 * prepared under a temporary name, owner file included, then renamed into
 * place; the rename fails while another non-empty lock folder is there, so a
 * live lock always shows its owner.
 *
 * Why tokens: pids wrap, processes get killed, and two processes may try to
 * break the same dead holder's lock at once. Breaking renames that holder's
 * own owner file away (a unique name: one breaker wins, and a newer holder's
 * lock is never touched), deletes its children file, then removes the folder
 * with rmdir, which only succeeds on an empty folder. No step can take a live
 * holder's lock, whatever the interleaving.
 */
import { appendFile, mkdir, readFile, readdir, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { temporarySibling } from './atomic-file.js';
import { isDiskFull, noSpaceError } from './disk-full.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConflictError } from '../../errors/index.js';
import { identify, isAlive, type ProcessIdentity } from './process-identity.js';
import { stopBuildChildren, type JournaledChild } from './build-children.js';
import { trackChildren } from '../../system/runner.js';

/** Files of one holding. The token `''` is the single-holder layout of earlier versions (`owner.json`, `children`). */
function ownerFile(token: string): string { return token === '' ? 'owner.json' : `owner-${token}.json`; }
function childrenFile(token: string): string { return token === '' ? 'children' : `children-${token}`; }
const OWNER_NAME = /^owner(?:-([0-9a-f]+-[0-9a-f]+))?\.json$/;
const CHILDREN_NAME = /^children(?:-[0-9a-f]+-[0-9a-f]+)?$/;

/** What a lock folder holds right now. */
interface LockState {
  present: boolean;
  /** The holding whose owner file is there (if several, the first: only one can be live). */
  token?: string;
  /** Its identity; undefined if the file is unreadable (then it is no live holder's). */
  owner?: ProcessIdentity;
  /** Every entry name, for cleaning a folder whose owner is gone. */
  names: string[];
}

async function inspect(lockDir: string): Promise<LockState> {
  let names: string[];
  try {
    names = await readdir(lockDir);
  } catch {
    return { present: false, names: [] };
  }
  for (const name of names) {
    const match = OWNER_NAME.exec(name);
    if (!match) continue;
    const token = match[1] ?? '';
    try {
      return { present: true, token, owner: JSON.parse(await readFile(join(lockDir, name), 'utf8')) as ProcessIdentity, names };
    } catch (error) {
      // Released while we looked: look again. Unparseable: garbage, no live holder wrote it (it is complete before the rename).
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return inspect(lockDir);
      return { present: true, token, names };
    }
  }
  return { present: true, names };
}

function holderAlive(state: LockState): boolean {
  return state.owner !== undefined && Number.isInteger(state.owner.pid) && isAlive(state.owner);
}

async function readChildren(path: string): Promise<JournaledChild[]> {
  const text = await readFile(path, 'utf8').catch(() => '');
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
 * Ends a dead holder's holding of `token`: stops the commands it started (a
 * `cp` into a node tree must not outlive its lock), claims its owner file by
 * renaming it away (one breaker wins), deletes its children file, then removes
 * the folder if that left it empty.
 */
async function breakDeadHolding(lockDir: string, token: string, owner: ProcessIdentity | undefined): Promise<void> {
  await stopBuildChildren(await readChildren(join(lockDir, childrenFile(token))), owner?.bootId);
  const claimed = temporarySibling(lockDir, 'stale');
  try {
    await rename(join(lockDir, ownerFile(token)), claimed);
  } catch {
    return; // another process broke it first
  }
  await rm(claimed, { force: true });
  await rm(join(lockDir, childrenFile(token)), { force: true });
  await removeIfEmpty(lockDir);
}

/**
 * A folder without owner file is what a release or a break left when killed
 * half-way: its children files (already stopped) are deleted by name, then the
 * folder if empty. A live lock is never ownerless, and names are per holding.
 */
async function clearOwnerless(lockDir: string, names: readonly string[]): Promise<void> {
  for (const name of names) {
    if (CHILDREN_NAME.test(name)) await rm(join(lockDir, name), { force: true });
  }
  await removeIfEmpty(lockDir);
}

async function removeIfEmpty(lockDir: string): Promise<boolean> {
  try {
    await rmdir(lockDir);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT';
  }
}

/** Options of {@link withLock}. */
export interface LockOptions {
  /** Give up after this long (default 60 s). */
  timeoutMs?: number;
}

/**
 * Runs `action` while holding the lock `<file>.lock`. Waits for other holders;
 * ends the holding of a dead one (see the module comment).
 *
 * @throws ConflictError E_LOCK_TIMEOUT if a live holder keeps it past `timeoutMs`.
 * @throws OperationError E_NO_SPACE if the lock cannot be written for lack of space.
 */
export async function withLock<T>(file: string, action: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  const lockDir = `${file}.lock`;
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  await mkdir(dirname(lockDir), { recursive: true });
  let delay = 2;
  let token: string | undefined;
  for (;;) {
    token = await tryAcquire(lockDir);
    if (token !== undefined) break;
    const state = await inspect(lockDir);
    if (!state.present) continue;
    if (state.token !== undefined && !holderAlive(state)) {
      await breakDeadHolding(lockDir, state.token, state.owner);
      continue;
    }
    if (state.token === undefined) await clearOwnerless(lockDir, state.names);
    if (Date.now() >= deadline) {
      throw new ConflictError('E_LOCK_TIMEOUT', `could not lock ${file}: ${state.owner ? `held by pid ${state.owner.pid}` : `${lockDir} holds unknown files`}`,
        state.owner ? 'wait for the other disklessset command to finish' : `remove ${lockDir} if no disklessset command is running`);
    }
    await sleep(delay);
    delay = Math.min(delay * 2, 50);
  }
  const held = token;
  try {
    // Commands run while holding the lock are recorded in it, so whoever breaks it after a kill stops them.
    return await trackChildren((pid) => appendFile(join(lockDir, childrenFile(held)), `${JSON.stringify(identify(pid))}\n`), action);
  } finally {
    // Our files by name, children first: the folder shows its owner until the very end.
    await rm(join(lockDir, childrenFile(held)), { force: true });
    await rm(join(lockDir, ownerFile(held)), { force: true });
    await removeIfEmpty(lockDir);
  }
}

/**
 * Takes the lock folder if free: prepares `.<lock>.tmp-<pid>-<hex>` with the
 * owner file, then renames it into place. Returns the holding's token, or
 * undefined if another holder is there. The temporary folder carries our pid,
 * so a kill in between leaves a leftover the sweep recognises as dead.
 */
async function tryAcquire(lockDir: string): Promise<string | undefined> {
  const prepared = temporarySibling(lockDir);
  const token = `${process.pid.toString(16)}-${randomBytes(6).toString('hex')}`;
  try {
    await mkdir(prepared);
  } catch (error) {
    throw isDiskFull(error) ? noSpaceError(dirname(lockDir), error) : error;
  }
  try {
    await writeFile(join(prepared, ownerFile(token)), JSON.stringify(identify()));
    await rename(prepared, lockDir);
    return token;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (isDiskFull(error)) throw noSpaceError(dirname(lockDir), error);
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw error;
    return undefined;
  } finally {
    await rm(prepared, { recursive: true, force: true });
  }
}

/**
 * Removes `lockDir` if no live process holds it (a dead holder's holding is
 * ended as {@link withLock} would). Returns whether it is gone. Used by the
 * start-of-command sweep, so no stale lock outlives the next command.
 */
export async function sweepStaleLock(lockDir: string): Promise<boolean> {
  const state = await inspect(lockDir);
  if (!state.present) return false;
  if (state.token === undefined) {
    await clearOwnerless(lockDir, state.names);
  } else {
    if (holderAlive(state)) return false;
    await breakDeadHolding(lockDir, state.token, state.owner);
  }
  return !(await inspect(lockDir)).present;
}
