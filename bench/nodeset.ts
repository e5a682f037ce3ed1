/**
 * Node sets: disklessset's TypeScript NodeSet against ClusterShell 1.9's
 * `nodeset` (Python) on the same inputs, in one run:
 *   - count `node[1-1000000]`          (nodeset -c)
 *   - expand `node[1-1000000]`         (nodeset -e)
 *   - expand `r[1-40]n[1-2500]`        (nodeset -e, 100,000 names in 2-D)
 *   - fold 66,000 and 1,000,000 names  (nodeset -f, names on stdin)
 *   - fold 6,667 and 66,667 names given as separate arguments (nodeset -f),
 *     ten times apart so that growth shows (linear: about 10x the time)
 * Both sides are timed as whole processes (start-up included, the way a
 * script calls them: ours is `disklessset nodeset`, the bundled CLI dist/bundle/disklessset.js);
 * ours is also timed in-process (the library call alone). Outputs are
 * compared byte for byte. Knobs: NODESET_BENCH_RUNS (default 3),
 * NODESET_BENCH_TIMEOUT_S (per ClusterShell run, default 900),
 * NODESET_BENCH_MAX_NAMES (skip the rows with more names, default: none).
 *
 * 66,667 arguments of about 10 bytes take about 1.2 MB of the argument
 * space (`getconf ARG_MAX` is 2 MB on Linux by default), so they fit.
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { runNodesetCommand } from '../src/nodeset/index.js';
import { run, which } from '../src/system/runner.js';
import { reportRows, seconds, type BenchRow } from './table.js';

const RUNS = Number(process.env.NODESET_BENCH_RUNS ?? 3);
const TIMEOUT_MS = Number(process.env.NODESET_BENCH_TIMEOUT_S ?? 900) * 1000;
const CLI = fileURLToPath(new URL('../bundle/disklessset.js', import.meta.url));
const MAX_NAMES = Number(process.env.NODESET_BENCH_MAX_NAMES ?? Infinity);
const MAX_OUTPUT = 256 * 1024 * 1024;

interface Case { label: string; args: string[]; stdin?: string; clusterShellRuns: number; names: number }

/** Deterministic shuffled sample of `count` names out of node[1-range]. */
function sampleNames(count: number, range: number, seed: number): string {
  let state = seed;
  const next = () => { state = (Math.imul(state, 1664525) + 1013904223) >>> 0; return state / 2 ** 32; };
  const pool = Array.from({ length: range }, (_, k) => k + 1);
  for (let k = pool.length - 1; k > 0; k--) {
    const j = Math.floor(next() * (k + 1));
    [pool[k], pool[j]] = [pool[j] as number, pool[k] as number];
  }
  return pool.slice(0, count).map((n) => `node${n}`).join('\n') + '\n';
}

interface Timing { best: number; median: number; output: string }

async function timeRuns(runs: number, once: () => Promise<string>): Promise<Timing> {
  const times: number[] = [];
  let output = '';
  for (let r = 0; r < runs; r++) {
    const start = performance.now();
    output = await once();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { best: times[0] ?? 0, median: times[Math.floor(times.length / 2)] ?? 0, output };
}

async function main(): Promise<void> {
  if (!(await which('nodeset'))) throw new Error('ClusterShell is not installed (Debian package clustershell)');
  const cases: Case[] = [
    { label: 'count node[1-1000000]', args: ['-c', 'node[1-1000000]'], clusterShellRuns: RUNS, names: 1 },
    { label: 'expand node[1-1000000]', args: ['-e', 'node[1-1000000]'], clusterShellRuns: RUNS, names: 1_000_000 },
    { label: 'expand r[1-40]n[1-2500] (2-D)', args: ['-e', 'r[1-40]n[1-2500]'], clusterShellRuns: RUNS, names: 100_000 },
    { label: 'fold 66,000 names (stdin)', args: ['-f'], stdin: sampleNames(66_000, 100_000, 7), clusterShellRuns: RUNS, names: 66_000 },
    { label: 'fold 1,000,000 names (stdin)', args: ['-f'], stdin: sampleNames(1_000_000, 1_500_000, 11), clusterShellRuns: 1, names: 1_000_000 },
    { label: 'fold 6,667 names as arguments', args: ['-f', ...sampleNames(6_667, 10_000, 13).trim().split('\n')], clusterShellRuns: RUNS, names: 6_667 },
    { label: 'fold 66,667 names as arguments', args: ['-f', ...sampleNames(66_667, 100_000, 13).trim().split('\n')], clusterShellRuns: RUNS, names: 66_667 },
  ];
  const rows: string[] = [];
  const summary: BenchRow[] = [];
  for (const c of cases.filter((one) => one.names <= MAX_NAMES)) {
    // No DISKLESS_ROOT: `disklessset nodeset` then takes its quick start, as a user's script would.
    const options = { input: c.stdin, maxBuffer: MAX_OUTPUT, timeoutMs: TIMEOUT_MS, env: { DISKLESS_ROOT: undefined } };
    const library = await timeRuns(RUNS, async () => runNodesetCommand(c.args, c.stdin));
    const ours = await timeRuns(RUNS, async () =>
      (await run([process.execPath, CLI, 'nodeset', ...c.args], options)).stdout);
    let theirs: Timing | undefined;
    try {
      theirs = await timeRuns(c.clusterShellRuns, async () => (await run(['nodeset', ...c.args], options)).stdout);
    } catch (error) {
      console.error(`${c.label}: ClusterShell did not finish: ${(error as Error).message}`);
    }
    const same = theirs ? (theirs.output === ours.output && ours.output === library.output ? 'yes' : 'NO') : 'n/a';
    const ratio = theirs ? `${(theirs.median / ours.median).toFixed(1)}x` : `> ${(TIMEOUT_MS / ours.median).toFixed(0)}x`;
    rows.push(`| ${c.label} | ${seconds(library.median)} | ${seconds(ours.median)} | `
      + `${theirs ? seconds(theirs.median) : `> ${seconds(TIMEOUT_MS)}`} | ${ratio} | ${same} |`);
    summary.push({
      work: `nodeset ${c.label}, whole process`, ours: seconds(ours.median),
      reference: theirs ? `ClusterShell ${seconds(theirs.median)}` : `ClusterShell > ${seconds(TIMEOUT_MS)}`,
      ratio: theirs ? theirs.median / ours.median : undefined, goal: '>= 5x, same output',
      met: theirs ? theirs.median / ours.median >= 5 && same === 'yes' : undefined,
    });
    console.error(`done: ${c.label}`);
  }
  console.log(`NodeSet vs ClusterShell nodeset, median of ${RUNS} runs (ClusterShell on 1M names: 1 run); load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  console.log('| operation | disklessset library | disklessset process | ClusterShell nodeset | speed-up (process) | same output |');
  console.log('|---|---|---|---|---|---|');
  for (const row of rows) console.log(row);
  reportRows(summary);
}

await main();
