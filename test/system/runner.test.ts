/**
 * The command runner with tiny real processes: arguments reach the program
 * verbatim (no shell), failures become one typed error naming the command,
 * its exit code and the tail of its stderr, and timeouts and aborts stop the
 * whole process group.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { CommandError, run } from '../../src/system/runner.js';

const NODE = process.execPath;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test('arguments reach the program verbatim, never through a shell; stdin carries input', async () => {
  const hostile = ['a b', '$(touch /tmp/pwned)', ';', '*', '`id`', "it's"];
  const echoed = await run([NODE, '-e', 'process.stdout.write(JSON.stringify(process.argv.slice(1)))', ...hostile]);
  assert.deepEqual(JSON.parse(echoed.stdout), hostile);
  const piped = await run([NODE, '-e', 'process.stdin.pipe(process.stdout)'], { input: 'secret on stdin' });
  assert.equal(piped.stdout, 'secret on stdin');
});

test('a non-zero exit is a CommandError naming the command, its exit code and the tail of its stderr', async () => {
  const failing = [NODE, '-e', 'console.error("first\\nsecond\\nthird\\nboom"); process.exit(3)'];
  await assert.rejects(run(failing), (error: unknown) => {
    assert.ok(error instanceof CommandError);
    assert.equal(error.code, 'E_COMMAND_FAILED');
    assert.equal(error.exitCode, 3);
    assert.match(error.message, /exit code 3: .*node/);
    // Only the last three lines of stderr, so the message stays one line.
    assert.match(error.message, /\(second \| third \| boom\)$/);
    return true;
  });
  const tolerated = await run(failing, { allowFailure: true });
  assert.equal(tolerated.exitCode, 3);
});

test('a missing program is E_COMMAND_NOT_FOUND with an install hint', async () => {
  await assert.rejects(run(['disklessset-no-such-program-xyz']), (error: unknown) =>
    error instanceof CommandError && error.code === 'E_COMMAND_NOT_FOUND' && error.kind === 'unavailable' && /install/.test(error.hint ?? ''));
});

test('a timeout stops the command and what it started (its process group)', async () => {
  // The child starts a grandchild that would outlive it, prints its pid, then waits forever.
  const script = 'const c = require("child_process").spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"]);'
    + 'console.log(c.pid); setInterval(() => {}, 1000);';
  let grandchild = 0;
  await assert.rejects(run([NODE, '-e', script], {
    timeoutMs: 1500, onStdout: (chunk) => { grandchild = Number(chunk.toString().trim()); },
  }), (error: unknown) => error instanceof CommandError && error.code === 'E_COMMAND_TIMEOUT');
  assert.ok(grandchild > 0, 'the grandchild reported its pid');
  for (let i = 0; i < 50 && alive(grandchild); i += 1) await sleep(100);
  assert.equal(alive(grandchild), false, 'the grandchild was stopped with its group');
});

test('an abort stops the command and rejects with E_COMMAND_ABORTED; an aborted signal never starts it', async () => {
  const controller = new AbortController();
  const running = run([NODE, '-e', 'setInterval(() => {}, 1000)'], { signal: controller.signal });
  setTimeout(() => controller.abort(), 200);
  await assert.rejects(running, (error: unknown) => error instanceof CommandError && error.code === 'E_COMMAND_ABORTED');
  await assert.rejects(run([NODE, '-e', 'require("fs").writeFileSync("/nonexistent-dir/x", "")'], { signal: controller.signal }),
    (error: unknown) => error instanceof CommandError && error.code === 'E_COMMAND_ABORTED');
});

test('captured output stops at maxBuffer bytes', async () => {
  const big = await run([NODE, '-e', 'process.stdout.write("x".repeat(1 << 20))'], { maxBuffer: 1024 });
  assert.ok(big.stdout.length >= 1024 && big.stdout.length < 1 << 20, `kept ${big.stdout.length} bytes`);
});
