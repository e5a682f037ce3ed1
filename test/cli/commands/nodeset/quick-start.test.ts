// `disklessset nodeset` started as a real process without global options takes the quick start:
// what it prints, and its exit code, must be what the full CLI gives for the same line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { run } from '../../../../src/system/runner.js';
import { CLI, makeTempRoot } from '../../../helpers/temp-root.js';

const LINES: Array<{ args: string[]; input?: string }> = [
  { args: ['-f', 'n1', 'n2', 'n5', 'r1n1', 'r1n2'] },
  { args: ['-e', 'r[1-3]n[01-02]', '-x', 'r2n01'] },
  { args: ['-c', 'node[1-1000000]'] },
  { args: ['-f'], input: 'a1 a2 # comment\na3\n' },
  { args: ['-e', '-i', 'a[1-5]', '-'], input: 'a2 a9\n' },
  { args: ['-f', 'n1', '-x', 'n1'] }, // empty result: nothing printed
  { args: ['-f', 'n[1-'] }, // bad node set: exit 2
  { args: ['-f', '-e', 'n1'] }, // two commands: exit 2
];

test('a plain nodeset process prints what the full CLI prints for the same line', async () => {
  const root = await makeTempRoot();
  try {
    for (const { args, input } of LINES) {
      const quick = await run([process.execPath, CLI, 'nodeset', ...args], {
        allowFailure: true, input: input ?? '', timeoutMs: 120_000, env: { DISKLESS_ROOT: undefined, NO_COLOR: '1' },
      });
      const full = await root.cli(['nodeset', ...args], { input: input ?? '' });
      const line = `nodeset ${JSON.stringify(args)}`;
      assert.equal(quick.exitCode, full.exitCode, `${line}: exit code`);
      assert.equal(quick.stdout, full.stdout, `${line}: stdout`);
      assert.equal(quick.stderr, full.stderr, `${line}: stderr`);
    }
  } finally {
    await root.cleanup();
  }
});

test('20,000 names as arguments of a nodeset process fold as they do from its standard input', async () => {
  const names = Array.from({ length: 20_000 }, (_, k) => `node${(k * 7919) % 30_011}`);
  const env = { DISKLESS_ROOT: undefined };
  const viaArgs = await run([process.execPath, CLI, 'nodeset', '-f', ...names], { timeoutMs: 300_000, env });
  const viaStdin = await run([process.execPath, CLI, 'nodeset', '-f'], { input: `${names.join('\n')}\n`, timeoutMs: 300_000, env });
  assert.equal(viaArgs.stdout, viaStdin.stdout);
  assert.match(viaArgs.stdout, /^node\[[0-9,-]+\]\n$/);
});
