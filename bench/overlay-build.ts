/**
 * Overlay delivery at cluster scale, whole processes: N nodes (default
 * 10,000, `NODES`) booting one image, then
 * - a full build: every node rendered (by the test renderer of the delivery
 *   tests: six entries per node, one secret), archived as gzip newc,
 *   published by rename, and the node scripts published again to load them;
 * - a one-node change (`node set` of one variable): the inventory change,
 *   all nodes rendered again (an /etc/hosts may depend on any node), one
 *   archive written;
 * - `overlay build` of that one node with nothing changed.
 * The machine's load average is printed: it is shared, so the CPU time of
 * each process (user + system, from /usr/bin/time) is given beside its wall time.
 */
import { readdir } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { CLI } from '../test/helpers/temp-root.js';
import { OVERLAY_CLI } from '../test/helpers/overlay-renderer.js';
import { run } from '../src/system/runner.js';
import { overlaysDir } from '../src/boot/boot-paths.js';
import { Paths } from '../src/core/paths.js';
import { reportRows, seconds } from './table.js';
import { scratchFolder } from './scratch-fs.js';

const NODES = Number(process.env.NODES ?? 10_000);
const RUNS = Number(process.env.RUNS ?? 3);

interface Timing { ms: number; cpuMs: number; stdout: string }

async function timed(command: string[]): Promise<Timing> {
  const start = performance.now();
  const result = await run(['/usr/bin/time', '-f', 'CPU %U %S', ...command], { timeoutMs: 600_000 });
  const cpu = /CPU ([\d.]+) ([\d.]+)/.exec(result.stderr);
  return { ms: performance.now() - start, cpuMs: cpu ? (Number(cpu[1]) + Number(cpu[2])) * 1000 : NaN, stdout: result.stdout };
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
}

/** `wall ms (CPU ms)`, medians of `timings`. */
function shown(timings: Timing[]): string {
  return `${median(timings.map((t) => t.ms)).toFixed(0)} ms wall, ${median(timings.map((t) => t.cpuMs)).toFixed(0)} ms CPU`;
}

async function main(): Promise<void> {
  const scratch = await scratchFolder('disklessset-bench-overlays-');
  const root = scratch.dir;
  const width = String(NODES).length;
  const first = `c${'1'.padStart(width, '0')}`;
  try {
    const plain = (...args: string[]) => [process.execPath, CLI, '--root', root, ...args];
    const overlays = (...args: string[]) => [process.execPath, OVERLAY_CLI, '--root', root, ...args];
    await run(plain('demo', 'create', 'gold', '--message', 'bench'));
    await run(plain('profile', 'add', 'compute', '--image', 'gold'));
    // Added without overlays wired: the next command with them builds every archive.
    await run(plain('node', 'add', `c[${'1'.padStart(width, '0')}-${NODES}]`, '--profile', 'compute', '--var', 'rack=a1'));
    const load = loadavg().map((value) => value.toFixed(2)).join(' ');
    const full = await timed(overlays('overlay', 'build', '--json'));
    const archives = (await readdir(overlaysDir(new Paths(root)))).filter((name) => name.endsWith('.img')).length;
    const change: Timing[] = [];
    for (let r = 0; r < RUNS; r += 1) change.push(await timed(overlays('node', 'set', first, '--var', `rack=b${r}`)));
    const one: Timing[] = [];
    for (let r = 0; r < RUNS; r += 1) one.push(await timed(overlays('overlay', 'build', first, '--json')));
    const again: Timing[] = [];
    for (let r = 0; r < RUNS; r += 1) again.push(await timed(overlays('overlay', 'build', '--json')));
    const baseline: Timing[] = [];
    for (let r = 0; r < RUNS; r += 1) baseline.push(await timed(plain('nodeset', '-c', first)));
    console.log(`overlay delivery, ${NODES} nodes, whole processes, on ${scratch.where} (load average at start: ${load})`);
    console.log(`  full build (render, ${archives} archives, node scripts): ${shown([full])}`);
    console.log(`  node set of one node, archives following (one written; median of ${RUNS}): ${shown(change)}`);
    console.log(`  overlay build ${first}, nothing changed (median of ${RUNS}): ${shown(one)}  ${JSON.stringify(JSON.parse(one[0]?.stdout ?? '{}'))}`);
    console.log(`  overlay build of all nodes, nothing changed (median of ${RUNS}): ${shown(again)}`);
    console.log(`  baseline: the tool's start-up alone (nodeset -c, median of ${RUNS}): ${shown(baseline)}`);
    const changeMs = median(change.map((t) => t.ms));
    reportRows([
      { work: `overlay build of ${NODES} nodes (render and publish), whole process`, ours: seconds(full.ms), reference: '-', goal: '< 60 s at 10,000 nodes', met: NODES >= 10_000 ? full.ms < 60_000 : undefined },
      { work: `one-node change among ${NODES} nodes, archives following, whole process`, ours: seconds(changeMs), reference: '-', goal: 'well under 1 s', met: changeMs < 1000 },
    ]);
  } finally {
    await scratch.close();
  }
}

await main();
