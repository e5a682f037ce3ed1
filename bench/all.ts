/**
 * `npm run bench`: every benchmark at a quick size, one after the other, each
 * in its own process with its own deadline, then one table of every row they
 * reported (bench/table.ts): work, ours, the reference, ratio, goal, met.
 *
 * Quick sizes are chosen so that the whole run stays under 10 minutes on the
 * project's 2-core machine; each benchmark's full size is its default when it
 * is run alone (`node dist/bench/<name>.js`). A benchmark that fails or runs
 * out of time gets a row saying so, and the run goes on.
 *
 *   npm run bench                   all of them
 *   npm run bench -- nodeset serve  only those whose file name contains a word
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from '../src/system/runner.js';
import { markdownTable, type BenchRow } from './table.js';

interface Bench {
  /** File under dist/bench, without `.js`. */
  file: string;
  /** Environment that picks the quick size. */
  env: Record<string, string>;
  /** Deadline of the whole process, in seconds. */
  deadlineS: number;
  /** Arguments, for the benchmarks that take their sizes that way. */
  args?: string[];
}

// Not listed: the QEMU boot benchmarks (boot-initramfs, overlay-boot). Each needs port 80
// and 10 to 30 minutes of TCG boots, beyond this run's 10; run them alone.
const BENCHES: Bench[] = [
  { file: 'nodeset', env: { NODESET_BENCH_RUNS: '1', NODESET_BENCH_MAX_NAMES: '100000' }, deadlineS: 120 },
  { file: 'image-list', env: { RUNS: '3' }, deadlineS: 60 },
  { file: 'node-inventory', env: { NODES: '10000', RUNS: '1' }, deadlineS: 120 },
  { file: 'node-status', env: { NODES: '10000', CLIENTS: '50', ROUNDS: '5', RUNS: '1' }, deadlineS: 120 },
  { file: 'overlay-build', env: { NODES: '1000', RUNS: '1' }, deadlineS: 90 },
  { file: 'boot-storm', env: { BOOT_STORM_CLIENTS: '50', BOOT_STORM_MB: '100', BOOT_STORM_DEADLINE_S: '60' }, deadlineS: 180 },
  { file: 'livenet-build', env: { LIVENET_BENCH_QUICK_MIB: '300' }, deadlineS: 120 },
  { file: 'nfs-nodes', env: { NFS_BENCH_GIB: '0.25' }, args: ['100', '5'], deadlineS: 120 },
  { file: 'oci-import', env: { OCI_BENCH_MIB: '60' }, deadlineS: 90 },
  { file: 'image-diff', env: { DIFF_BENCH_MIB: '100' }, deadlineS: 180 },
  { file: 'initramfs', env: {}, deadlineS: 300 },
  // Quick size: 8 namespaces, 64 MiB (its own deadline is 240 s, namespaces removed on every exit).
  { file: 'p2p-boot', env: { P2P_BENCH_NODES: '8', P2P_BENCH_MIB: '64' }, deadlineS: 300 },
];

const here = fileURLToPath(new URL('.', import.meta.url));

async function runOne(bench: Bench, rowsFile: string): Promise<BenchRow[]> {
  const started = process.hrtime.bigint();
  const result = await run([process.execPath, join(here, `${bench.file}.js`), ...(bench.args ?? [])], {
    env: { ...bench.env, BENCH_QUICK: '1', BENCH_ROWS_FILE: rowsFile },
    timeoutMs: bench.deadlineS * 1000,
    allowFailure: true,
    maxBuffer: 64 * 1024 * 1024,
  }).catch((error: Error) => ({ exitCode: -1, stdout: '', stderr: error.message }));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const text = await readFile(rowsFile, 'utf8').catch(() => '');
  const rows = text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as BenchRow);
  console.error(`bench ${bench.file}: ${seconds.toFixed(0)} s, exit ${result.exitCode}, ${rows.length} rows`);
  if (result.exitCode !== 0) {
    const last = result.stderr.trim().split('\n').slice(-1)[0] ?? '';
    console.error(`  ${last}`);
    rows.push({ work: bench.file, ours: 'failed', reference: '-', goal: '-', met: false });
  }
  return rows;
}

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const chosen = BENCHES.filter((bench) => only.length === 0 || only.some((word) => bench.file.includes(word)));
  const work = await mkdtemp(join(tmpdir(), 'disklessset-bench-all-'));
  const loadBefore = loadavg();
  const started = new Date();
  const rows: BenchRow[] = [];
  try {
    for (const [index, bench] of chosen.entries()) rows.push(...await runOne(bench, join(work, `${index}.jsonl`)));
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  const minutes = (Date.now() - started.getTime()) / 60_000;
  const load = (values: number[]) => values.map((value) => value.toFixed(1)).join(' ');
  console.log(`Benchmarks, quick sizes, ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC, ${minutes.toFixed(1)} min`);
  console.log(`Machine: ${availableParallelism()} cores (${cpus()[0]?.model ?? 'unknown CPU'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB; `
    + `load average before ${load(loadBefore)}, after ${load(loadavg())}`);
  console.log('');
  console.log(markdownTable(rows));
  const unmet = rows.filter((row) => row.met === false).length;
  console.log('');
  console.log(`${rows.length} rows, ${rows.length - unmet} met or not judged, ${unmet} not met`);
}

await main();
