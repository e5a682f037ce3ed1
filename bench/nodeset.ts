/**
 * Node sets: disklessset's TypeScript NodeSet against ClusterShell 1.9's
 * `nodeset` (Python) on the same inputs, in one run:
 *   - count `node[1-1000000]`          (nodeset -c)
 *   - expand `node[1-1000000]`         (nodeset -e)
 *   - fold 66,000 and 1,000,000 names  (nodeset -f, names on stdin)
 * Both sides are timed as whole processes (start-up included, the way a
 * script calls them); ours is also timed in-process (the library call alone).
 * Outputs are compared byte for byte. Knobs: NODESET_BENCH_RUNS (default 3),
 * NODESET_BENCH_TIMEOUT_S (per ClusterShell run, default 900).
 *
 * The script re-runs itself with `--child ARGS...` as "our" command process.
 */
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { runNodesetCommand } from '../src/nodeset/index.js';
import { run, which } from '../src/system/runner.js';

const RUNS = Number(process.env.NODESET_BENCH_RUNS ?? 3);
const TIMEOUT_MS = Number(process.env.NODESET_BENCH_TIMEOUT_S ?? 900) * 1000;
const SELF = fileURLToPath(import.meta.url);
const MAX_OUTPUT = 256 * 1024 * 1024;

interface Case { label: string; args: string[]; stdin?: string; clusterShellRuns: number }

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

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function child(args: string[]): Promise<void> {
  const stdin = args.length === 1 ? await readStdin() : undefined;
  process.stdout.write(runNodesetCommand(args, stdin));
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

function seconds(ms: number): string {
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  return ms >= 10 ? `${ms.toFixed(0)} ms` : `${ms.toFixed(1)} ms`;
}

async function main(): Promise<void> {
  if (!(await which('nodeset'))) throw new Error('ClusterShell is not installed (Debian package clustershell)');
  const cases: Case[] = [
    { label: 'count node[1-1000000]', args: ['-c', 'node[1-1000000]'], clusterShellRuns: RUNS },
    { label: 'expand node[1-1000000]', args: ['-e', 'node[1-1000000]'], clusterShellRuns: RUNS },
    { label: 'fold 66,000 names', args: ['-f'], stdin: sampleNames(66_000, 100_000, 7), clusterShellRuns: RUNS },
    { label: 'fold 1,000,000 names', args: ['-f'], stdin: sampleNames(1_000_000, 1_500_000, 11), clusterShellRuns: 1 },
  ];
  const rows: string[] = [];
  for (const c of cases) {
    const options = { input: c.stdin, maxBuffer: MAX_OUTPUT, timeoutMs: TIMEOUT_MS };
    const library = await timeRuns(RUNS, async () => runNodesetCommand(c.args, c.stdin));
    const ours = await timeRuns(RUNS, async () =>
      (await run([process.execPath, SELF, '--child', ...c.args], options)).stdout);
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
    console.error(`done: ${c.label}`);
  }
  console.log(`NodeSet vs ClusterShell nodeset, median of ${RUNS} runs (ClusterShell on 1M names: 1 run)`);
  console.log('| operation | disklessset library | disklessset process | ClusterShell nodeset | speed-up (process) | same output |');
  console.log('|---|---|---|---|---|---|');
  for (const row of rows) console.log(row);
}

if (process.argv[2] === '--child') await child(process.argv.slice(3));
else await main();
