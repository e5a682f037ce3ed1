// Differential test: our `nodeset -f/-e/-c` against ClusterShell's real /usr/bin/nodeset on
// generated inputs. Set NODESET_DIFF_SEED to replay or explore other inputs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError } from '../../src/errors/index.js';
import { runNodesetCommand } from '../../src/nodeset/index.js';
import { run, which } from '../../src/system/runner.js';
import { NodeSetGenerator } from '../helpers/random-nodesets.js';

const CASES = 200;
const PARALLEL = 4;
const MODES = ['-f', '-e', '-c'] as const;

interface Outcome { accepted: boolean; stdout: string; error?: string }

async function clustershell(args: string[]): Promise<Outcome> {
  const result = await run(['nodeset', ...args], { allowFailure: true, timeoutMs: 60_000 });
  return { accepted: result.exitCode === 0, stdout: result.stdout, error: result.stderr.trim() };
}

function ours(args: string[]): Outcome {
  try {
    return { accepted: true, stdout: runNodesetCommand(args) };
  } catch (error) {
    if (error instanceof UsageError) return { accepted: false, stdout: '', error: error.message };
    throw error;
  }
}

test('nodeset -f/-e/-c output matches ClusterShell on generated inputs', { timeout: 30 * 60_000 }, async () => {
  const nodeset = await which('nodeset');
  if (!nodeset) {
    assert.fail('ClusterShell is not installed: the differential test needs /usr/bin/nodeset '
      + '(Debian package clustershell, e.g. apt-get install clustershell)');
  }
  const seed = Number(process.env.NODESET_DIFF_SEED ?? 20240611);
  const generator = new NodeSetGenerator(seed);
  const jobs: string[][] = [];
  for (let k = 0; k < CASES; k++) {
    const args = generator.args();
    for (const mode of MODES) jobs.push([mode, ...args]);
  }

  const mismatches: string[] = [];
  let rejected = 0;
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const args = jobs[next++] as string[];
      const expected = await clustershell(args);
      const actual = ours(args);
      if (!expected.accepted) rejected++;
      const same = expected.accepted ? actual.accepted && actual.stdout === expected.stdout : !actual.accepted;
      if (!same) {
        mismatches.push(`nodeset ${JSON.stringify(args)}\n  clustershell: ${expected.accepted
          ? JSON.stringify(expected.stdout) : `rejected (${expected.error})`}\n  ours:         ${actual.accepted
          ? JSON.stringify(actual.stdout) : `rejected (${actual.error})`}`);
      }
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));

  assert.equal(mismatches.length, 0,
    `${mismatches.length} of ${jobs.length} runs differ (seed ${seed}):\n${mismatches.slice(0, 10).join('\n')}`);
  // The generated inputs must exercise both outcomes to mean anything.
  assert.ok(rejected > 0 && rejected < jobs.length / 2, `${rejected} of ${jobs.length} inputs rejected`);
});

test('nodeset with thousands of separate arguments matches ClusterShell', { timeout: 10 * 60_000 }, async () => {
  assert.ok(await which('nodeset'), 'ClusterShell is not installed (Debian package clustershell)');
  let state = 20261130;
  const next = (n: number) => { state = (Math.imul(state, 1664525) + 1013904223) >>> 0; return Math.floor((state / 2 ** 32) * n); };
  // Shuffled names: padded and unpadded, several prefixes, two dimensions, brackets, a name without digits.
  const shapes = [
    (n: number) => `c${String(n).padStart(4, '0')}`, (n: number) => `c${n}`, (n: number) => `gpu${n}-ib`,
    (n: number) => `r${n % 5}n${n}`, (n: number) => `r1n${n}`, (n: number) => `x[${n},${n + 3}]`, () => 'login',
  ];
  const names = Array.from({ length: 3_000 }, () => (shapes[next(shapes.length)] as (n: number) => string)(next(5_000)));
  for (const mode of MODES) {
    const expected = await clustershell([mode, ...names]);
    assert.ok(expected.accepted, expected.error);
    assert.equal(ours([mode, ...names]).stdout, expected.stdout, `nodeset ${mode} with ${names.length} arguments`);
  }
});
