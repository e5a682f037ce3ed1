import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { run, trackChildren } from '../../src/system/runner.js';
import { stopBuildChildren } from '../../src/core/state/build-children.js';
import { identify, pidExists } from '../../src/core/state/process-identity.js';

test('each command runs in its own process group, and trackChildren reports its pid to every enclosing recorder', async () => {
  const outer: number[] = [];
  const inner: number[] = [];
  const result = await trackChildren(async (pid) => { outer.push(pid); },
    () => trackChildren(async (pid) => { inner.push(pid); }, () => run(['cat', '/proc/self/stat'])));
  const fields = result.stdout.slice(result.stdout.lastIndexOf(')') + 2).split(' ');
  const pid = Number(result.stdout.split(' ')[0]);
  assert.equal(Number(fields[2]), pid, 'the command leads its own process group');
  assert.deepEqual(outer, [pid]);
  assert.deepEqual(inner, [pid]);
});

test('stopBuildChildren stops a journaled command still running (and only a journaled identity)', async () => {
  let pid = 0;
  const running = trackChildren(async (started) => { pid = started; }, () => run(['sleep', '600']));
  const outcome = running.catch((error: unknown) => error);
  while (pid === 0) await new Promise((resolve) => setImmediate(resolve));
  const me = identify(pid);
  // A journaled identity whose start time differs is another process: left alone.
  assert.deepEqual(await stopBuildChildren([{ pid, start_time: (me.startTime ?? 0) + 1 }]), []);
  assert.ok(pidExists(pid));
  assert.deepEqual(await stopBuildChildren([{ pid, start_time: me.startTime }]), [pid]);
  assert.match(String(await outcome), /killed by SIGTERM/);
  assert.ok(!pidExists(pid), 'the command is gone once stopBuildChildren returns');
});

/** Whether `pid` runs: a killed orphan may stay a zombie until this machine's init reaps it, and a zombie runs nothing. */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

test('a build command dies with its parent even when the parent is SIGKILLed before it could journal the command', async () => {
  // The recorder below never finishes: the parent is killed inside the window between spawn and journal.
  const runner = new URL('../../src/system/runner.js', import.meta.url).href;
  const script = `import { run, trackChildren } from ${JSON.stringify(runner)};
    trackChildren((pid) => { process.stdout.write(pid + '\\n'); return new Promise(() => {}); }, () => run(['sleep', '600']));`;
  const parent = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = await once(createInterface({ input: parent.stdout! }), 'line') as [string];
  const pid = Number(line);
  assert.ok(pidExists(pid), 'the command runs');
  parent.kill('SIGKILL');
  await once(parent, 'exit');
  for (let waited = 0; running(pid) && waited < 10_000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
  assert.ok(!running(pid), 'the command is gone with its parent, although nobody journaled it');
});

test('a build command that is not installed is still E_COMMAND_NOT_FOUND', async () => {
  await assert.rejects(trackChildren(async () => undefined, () => run(['disklessset-no-such-program'])),
    { code: 'E_COMMAND_NOT_FOUND' });
});
