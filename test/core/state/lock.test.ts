import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { run } from '../../../src/system/runner.js';
import { sweepStaleLock, withLock } from '../../../src/core/state/lock.js';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { REPO_ROOT } from '../../helpers/temp-root.js';

const LOCK_MODULE = pathToFileURL(join(REPO_ROOT, 'dist', 'src', 'core', 'state', 'lock.js')).href;

/**
 * A separate process that, `rounds` times, takes the lock on `file` and adds 1
 * to the number in it (read, pause, write: a lost update shows as a low total).
 * With `dieHolding`, it SIGKILLs itself while holding the lock instead.
 */
function worker(file: string, rounds: number, dieHolding = false): Promise<unknown> {
  const code = `
    import { withLock } from ${JSON.stringify(LOCK_MODULE)};
    import { readFile, writeFile } from 'node:fs/promises';
    import { setTimeout as sleep } from 'node:timers/promises';
    const file = ${JSON.stringify(file)};
    for (let i = 0; i < ${rounds}; i++) {
      await withLock(file, async () => {
        const value = Number(await readFile(file, 'utf8'));
        await sleep(1);
        ${dieHolding ? "process.kill(process.pid, 'SIGKILL');" : ''}
        await writeFile(file, String(value + 1));
      });
    }`;
  return run([process.execPath, '--input-type=module', '-e', code]);
}

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'disklessset-lock-'));
}

test('processes taking turns on one lock lose no update', async () => {
  const dir = await tempDir();
  try {
    const file = join(dir, 'counter');
    await writeFile(file, '0');
    await Promise.all(Array.from({ length: 6 }, () => worker(file, 15)));
    assert.equal(await readFile(file, 'utf8'), '90');
    assert.deepEqual(await readdir(dir), ['counter'], 'no lock folder or temporary file left');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('holders killed while holding never let two live processes in at once', async () => {
  const dir = await tempDir();
  try {
    const file = join(dir, 'counter');
    await writeFile(file, '0');
    // Three holders die holding the lock while six others race to break it and count.
    const killed = Array.from({ length: 3 }, () => worker(file, 1, true).catch(() => undefined));
    await Promise.all([...killed, ...Array.from({ length: 6 }, () => worker(file, 10))]);
    assert.equal(await readFile(file, 'utf8'), '60');
    // On a loaded machine a killed holder can start after the six are done: nobody was left to break its lock. What
    // is left then is a dead holder's lock only, which the next command's sweep clears (a live one's would stay).
    if ((await readdir(dir)).includes('counter.lock')) assert.equal(await sweepStaleLock(join(dir, 'counter.lock')), true, 'only a dead holder\'s lock is left');
    assert.deepEqual(await readdir(dir), ['counter']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('breaking a dead holder stops the commands it recorded, then takes the lock', async () => {
  const dir = await tempDir();
  const sleeper = await import('node:child_process').then(({ spawn }) => spawn('sleep', ['60'], { detached: true, stdio: 'ignore' }));
  try {
    const lockDir = join(dir, 'state.lock');
    await mkdir(lockDir);
    await writeFile(join(lockDir, 'owner-1-aa.json'), JSON.stringify({ pid: 4194305 }));
    await writeFile(join(lockDir, 'children-1-aa'), `${JSON.stringify({ pid: sleeper.pid })}\n`);
    const value = await withLock(join(dir, 'state'), async () => 'held', { timeoutMs: 10_000 });
    assert.equal(value, 'held');
    const ended = sleeper.signalCode ?? await Promise.race([once(sleeper, 'exit').then(([, signal]) => signal as string),
      sleep(5_000).then(() => 'still running')]);
    assert.match(String(ended), /^SIG(TERM|KILL)$/, 'the dead holder\'s command was stopped');
    assert.deepEqual(await readdir(dir), []);
  } finally {
    sleeper.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  }
});

test('the sweep leaves a live holder alone and clears what a killed release or break left', async () => {
  const dir = await tempDir();
  try {
    const file = join(dir, 'state');
    await withLock(file, async () => {
      assert.equal(await sweepStaleLock(`${file}.lock`), false, 'our own live lock stays');
    });
    // A release killed after deleting the owner file: only a children file is left.
    await mkdir(`${file}.lock`);
    await writeFile(join(`${file}.lock`, 'children-1-bb'), '');
    assert.equal(await sweepStaleLock(`${file}.lock`), true);
    // The layout of earlier versions, with a dead owner.
    await mkdir(`${file}.lock`);
    await writeFile(join(`${file}.lock`, 'owner.json'), JSON.stringify({ pid: 4194305 }));
    assert.equal(await sweepStaleLock(`${file}.lock`), true);
    assert.deepEqual(await readdir(dir), []);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a lock folder holding unknown files times out with E_LOCK_TIMEOUT naming it, and is kept', async () => {
  const dir = await tempDir();
  try {
    const file = join(dir, 'state');
    await mkdir(`${file}.lock`);
    await writeFile(join(`${file}.lock`, 'notes.txt'), 'kept');
    await assert.rejects(withLock(file, async () => undefined, { timeoutMs: 200 }),
      (error: Error & { code?: string }) => error.code === 'E_LOCK_TIMEOUT' && error.message.includes('state.lock'));
    assert.equal(await readFile(join(`${file}.lock`, 'notes.txt'), 'utf8'), 'kept');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
