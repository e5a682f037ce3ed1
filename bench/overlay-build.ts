/**
 * Overlay delivery at cluster scale, whole processes of the installed
 * command (the bundle) with its real renderer: N nodes (default 10,000,
 * `NODES`) booting one image with the built-in `hostname` overlay
 * (/etc/hostname, /etc/hosts) and a site overlay holding one template that
 * prints a per-node variable, then
 * - a full build: every node digested, rendered, archived as gzip newc,
 *   published by rename, and the node scripts published again to load them;
 * - a one-node change (`node set` of one variable): the inventory change, its
 *   check (that node rendered), the archives following (that node digested
 *   and written; the others keep the inputs recorded at the full build);
 * - `overlay build` of that one node, and of all nodes, with nothing changed.
 * The machine's load average is printed: it is shared, so the CPU time of
 * each process (user + system, from /usr/bin/time) is given beside its wall time.
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { CLI } from '../test/helpers/temp-root.js';
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
    const overlays = plain;
    const site = join(new Paths(root).overlaysDir, 'site', 'etc');
    await mkdir(site, { recursive: true });
    await writeFile(join(site, 'rack.conf.j2'), 'rack {{ node.vars.rack }} of {{ node.name }}\n');
    await run(plain('demo', 'create', 'gold', '--message', 'bench'));
    await run(plain('profile', 'add', 'compute', '--overlay', 'hostname', '--overlay', 'site'));
    // Added without an image: no node boots, no archive is built until the profile gives them one.
    await run(plain('node', 'add', `c[${'1'.padStart(width, '0')}-${NODES}]`, '--profile', 'compute', '--var', 'rack=a1'));
    const load = loadavg().map((value) => value.toFixed(2)).join(' ');
    // The first build: every node now boots an image, so every archive and node script is made.
    const initial = await timed(plain('profile', 'set', 'compute', '--image', 'gold'));
    // A full rebuild: the template changed, so every node is digested, rendered and its archive replaced.
    await writeFile(join(site, 'rack.conf.j2'), 'rack: {{ node.vars.rack }} ({{ node.name }})\n');
    // The start-of-command repair sees the sources changed and rebuilds every archive; the build asked for then finds them current.
    const full = await timed(overlays('overlay', 'build', '--json'));
    const rebuilt = gunzipSync(await readFile(join(overlaysDir(new Paths(root)), `${first}.img`))).toString('latin1').includes(`rack: a1 (${first})`);
    if (!rebuilt) throw new Error(`the archive of ${first} does not hold the edited template's output`);
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
    console.log(`  first build (profile set --image: ${archives} archives rendered and written, node scripts): ${shown([initial])}`);
    console.log(`  full rebuild after a template edit (overlay build, every archive rewritten by its start-of-command repair): ${shown([full])}`);
    console.log(`  node set of one node, archives following (one written; median of ${RUNS}): ${shown(change)}`);
    console.log(`  overlay build ${first}, nothing changed (median of ${RUNS}): ${shown(one)}  ${JSON.stringify(JSON.parse(one[0]?.stdout ?? '{}'))}`);
    console.log(`  overlay build of all nodes, nothing changed (median of ${RUNS}): ${shown(again)}`);
    console.log(`  baseline: the tool's start-up alone (nodeset -c, median of ${RUNS}): ${shown(baseline)}`);
    const changeMs = median(change.map((t) => t.ms));
    reportRows([
      { work: `overlay rebuild of ${NODES} nodes after a template edit (render and publish), whole process`, ours: seconds(full.ms), reference: '-', goal: '< 60 s at 10,000 nodes', met: NODES >= 10_000 ? full.ms < 60_000 : undefined },
      { work: `one-node change among ${NODES} nodes, archives following, whole process`, ours: seconds(changeMs), reference: '-', goal: 'well under 1 s', met: changeMs < 1000 },
    ]);
  } finally {
    await scratch.close();
  }
}

await main();
