/**
 * Helpers of the kill tests: a seeded random source (so a failing kill moment
 * can be replayed), a CLI run killed by SIGKILL after a given delay, and the
 * check that the state on disk agrees with itself afterwards.
 */
import { readAssigned } from './inventory.js';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Paths } from '../../src/core/paths.js';
import { CLI } from './temp-root.js';
export { seededRandom } from './seeded-random.js';

/**
 * Starts the CLI on `root` with `args`, kills it with SIGKILL after `delayMs` (if still running), waits for its end.
 * `entry` is the process's script (default the CLI; overlay tests use one with their renderer wired in).
 */
export async function runKilled(root: string, args: string[], delayMs: number, entry = CLI): Promise<void> {
  const child = spawn(process.execPath, [entry, '--root', root, ...args], { stdio: 'ignore', env: { ...process.env, DISKLESS_ROOT: '' } });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  await Promise.race([sleep(delayMs), exited]);
  child.kill('SIGKILL');
  await exited;
}

/** Commands any of which must repair what a kill left. */
export const ANY_COMMANDS: string[][] = [['image', 'list'], ['boot', 'list'], ['nodeset', '-f', 'x[1-2]'], ['kernel', 'list'], ['image', 'list', '--json']];

const TEMPORARY = /^\..+\.(?:tmp|stale)-\d+-[0-9a-f]+$/;

async function walk(dir: string, visit: (path: string, name: string, isDir: boolean) => void): Promise<void> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    visit(path, entry.name, entry.isDirectory());
    if (entry.isDirectory() && !entry.isSymbolicLink()) await walk(path, visit);
  }
}

/** Processes (other than this one) whose command line mentions `root`: children a killed command left running. */
export async function processesUnder(root: string): Promise<string[]> {
  const found: string[] = [];
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid) || Number(pid) === process.pid) continue;
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes(root)) found.push(`${pid}: ${cmdline.replace(/\0/g, ' ').trim()}`);
  }
  return found;
}

/**
 * The state after a kill and one more command agrees with itself: node scripts
 * are exactly the assignments (each chaining its image), no temporary file or
 * lock is left anywhere under the root, and no command of the root still runs.
 */
export async function assertConsistent(root: string, paths: Paths, context: string): Promise<void> {
  const assigned = await readAssigned(paths);
  const scripts = (await readdir(paths.bootNodesDir).catch(() => [] as string[])).filter((n) => n.endsWith('.ipxe'));
  assert.deepEqual(scripts.map((n) => n.slice(0, -'.ipxe'.length)).sort(), Object.keys(assigned).sort(), `${context}: scripts = assignments`);
  for (const [node, image] of Object.entries(assigned)) {
    const script = await readFile(join(paths.bootNodesDir, `${node}.ipxe`), 'utf8');
    assert.match(script, new RegExp(`/images/${image}/boot\\.ipxe`), `${context}: ${node} chains ${image}`);
  }
  const leftovers: string[] = [];
  await walk(root, (path, name, isDir) => {
    if (TEMPORARY.test(name) || (isDir && name.endsWith('.lock'))) leftovers.push(path);
  });
  assert.deepEqual(leftovers, [], `${context}: no temporary file or lock left`);
  assert.deepEqual(await processesUnder(root), [], `${context}: no command still running`);
}
