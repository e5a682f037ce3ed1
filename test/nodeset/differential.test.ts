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
