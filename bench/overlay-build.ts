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
 * The machine's load average is printed: it is shared.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { CLI } from '../test/helpers/temp-root.js';
import { OVERLAY_CLI } from '../test/helpers/overlay-renderer.js';
import { run } from '../src/system/runner.js';
import { overlaysDir } from '../src/boot/boot-paths.js';
import { Paths } from '../src/core/paths.js';

const NODES = Number(process.env.NODES ?? 10_000);
const RUNS = 3;

async function timed(command: string[]): Promise<{ ms: number; stdout: string }> {
  const start = performance.now();
  const result = await run(command, { timeoutMs: 600_000 });
  return { ms: performance.now() - start, stdout: result.stdout };
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
}

async function main(): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'disklessset-bench-overlays-'));
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
    const change: number[] = [];
    for (let r = 0; r < RUNS; r += 1) change.push((await timed(overlays('node', 'set', first, '--var', `rack=b${r}`))).ms);
    const one: number[] = [];
    let answer = '';
    for (let r = 0; r < RUNS; r += 1) {
      const built = await timed(overlays('overlay', 'build', first, '--json'));
      one.push(built.ms);
      answer = built.stdout.trim();
    }
    const again: number[] = [];
    for (let r = 0; r < RUNS; r += 1) again.push((await timed(overlays('overlay', 'build', '--json'))).ms);
    console.log(`overlay delivery, ${NODES} nodes, whole processes (load average at start: ${load})`);
    console.log(`  full build (render, ${archives} archives, node scripts): ${full.ms.toFixed(0)} ms`);
    console.log(`  node set of one node, archives following (median of ${RUNS}): ${median(change).toFixed(0)} ms`);
    console.log(`  overlay build ${first}, nothing changed (median of ${RUNS}): ${median(one).toFixed(0)} ms  ${answer}`);
    console.log(`  overlay build of all nodes, nothing changed (median of ${RUNS}): ${median(again).toFixed(0)} ms`);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

await main();
