import { test } from 'node:test';
import assert from 'node:assert/strict';
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
