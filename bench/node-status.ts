/**
 * What each node booted, at cluster scale:
 * 1. boot storm with and without recording, in the same run: the embedded
 *    server (this process) answers CLIENTS nodes fetching their whole boot
 *    chain (node script, boot file, kernel, initramfs, a 1 MiB root image)
 *    ROUNDS times; runs alternate without and with the recorder, the median
 *    of RUNS each is compared, beside the server's CPU time per request
 *    (this process's user + system time over the storm: steadier than
 *    requests/s on a shared machine);
 * 2. `node status --json` over NODES nodes (default 10,000) and SMALL_NODES
 *    (default 1,000, the growth check), whole process, each node with a
 *    recorded five-file boot written as serve writes it (format 2), and the
 *    same records in the format earlier versions wrote (format 1, still
 *    read), beside `node list --json` on the same inventory; wall and CPU
 *    time (user + system, /usr/bin/time), medians of 3.
 * The machine's load average is printed with the figures.
 * Environment: NODES, SMALL_NODES (0: skip), CLIENTS (default 200), ROUNDS (default 20), RUNS (default 3).
 */
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { BootRecorder } from '../src/boot/node-status/index.js';
import { emptyRecords, writeRecords } from '../src/boot/node-status/boot-records.js';
import { entityTag } from '../src/serve/conditional.js';
import { createBootServer } from '../src/serve/static-server.js';
import { openServices } from '../src/services/services.js';
import type { CoreServices } from '../src/core/core-services.js';
import { run } from '../src/system/runner.js';
import { CLI } from '../test/helpers/temp-root.js';
import { reportRows, seconds } from './table.js';

const NODES = Number(process.env.NODES ?? 10_000);
const SMALL_NODES = Number(process.env.SMALL_NODES ?? 1_000);
const CLIENTS = Number(process.env.CLIENTS ?? 200);
const ROUNDS = Number(process.env.ROUNDS ?? 20);
const RUNS = Number(process.env.RUNS ?? 3);
const here = dirname(fileURLToPath(import.meta.url));
const D = '/preboot_execution_environment/diskless';
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const load = () => loadavg().map((value) => value.toFixed(1)).join(' / ');

interface Timing { ms: number; cpuMs: number; stdout: string }

async function timed(command: string[]): Promise<Timing> {
  const start = performance.now();
  const result = await run(['/usr/bin/time', '-f', 'CPU %U %S', ...command], { timeoutMs: 600_000, maxBuffer: 512 * 1024 * 1024 });
  const cpu = /CPU ([\d.]+) ([\d.]+)/.exec(result.stderr);
  return { ms: performance.now() - start, cpuMs: cpu ? (Number(cpu[1]) + Number(cpu[2])) * 1000 : NaN, stdout: result.stdout };
}

/** Medians of three runs of `command`. */
async function medians(command: string[]): Promise<Timing> {
  const timings: Timing[] = [];
  for (let r = 0; r < 3; r += 1) timings.push(await timed(command));
  return { ms: median(timings.map((t) => t.ms)), cpuMs: median(timings.map((t) => t.cpuMs)), stdout: timings[0]?.stdout ?? '' };
}

const shown = (t: Timing) => `${t.ms.toFixed(0)} ms wall, ${t.cpuMs.toFixed(0)} ms CPU`;

/** A root with `count` nodes of profile compute booting image storm, its kernel and a 1 MiB root image. */
async function makeRoot(count: number): Promise<{ root: string; services: CoreServices; cli: (...args: string[]) => string[] }> {
  const root = await mkdtemp(join(tmpdir(), 'disklessset-bench-status-'));
  const cli = (...args: string[]) => [process.execPath, CLI, '--root', root, ...args];
  try {
    return await fillRoot(root, count, cli);
  } catch (error) {
    await rm(root, { recursive: true, force: true });
    throw error;
  }
}

async function fillRoot(root: string, count: number, cli: (...args: string[]) => string[]): Promise<Awaited<ReturnType<typeof makeRoot>>> {
  await run(cli('demo', 'create', 'storm', '--message', 'bench'));
  const services = await openServices({ root });
  const kernels = services.paths.kernelsDir;
  await writeFile(join(kernels, 'vmlinuz-6.1.0-bench'), Buffer.alloc(64 * 1024, 1));
  await writeFile(join(kernels, 'initramfs-kernel-6.1.0-bench'), Buffer.alloc(256 * 1024, 2));
  await writeFile(join(services.paths.imageDir('storm'), 'squashfs.img'), Buffer.alloc(1024 * 1024, 3));
  await run(cli('profile', 'add', 'compute', '--image', 'storm'));
  await run(cli('node', 'add', `c[00001-${String(count).padStart(5, '0')}]`, '--profile', 'compute'), { timeoutMs: 600_000 });
  return { root, services, cli };
}

async function storm(url: string): Promise<number> {
  const result = await run([process.execPath, join(here, 'node-status-load.js'), url, String(CLIENTS), String(ROUNDS)], { timeoutMs: 600_000 });
  const { requests, ms } = JSON.parse(result.stdout) as { requests: number; ms: number };
  return requests / (ms / 1000);
}

/** Requests/s and server CPU µs per request of each mode, runs alternating without and with the recorder. */
async function storms(services: CoreServices): Promise<{ plain: number[]; recorded: number[]; plainCpu: number[]; recordedCpu: number[] }> {
  const figures = { plain: [] as number[], recorded: [] as number[], plainCpu: [] as number[], recordedCpu: [] as number[] };
  for (let r = 0; r < RUNS; r += 1) {
    for (const withRecorder of [false, true]) {
      // Opened in both modes (it reads the 10,000-node inventory): only observing and writing differ between them.
      const recorder = await new BootRecorder(services.paths, services.inventory).open();
      const server = await createBootServer({ root: services.paths.httpRoot, port: 0, accessLog: () => {}, onServed: withRecorder ? recorder.observe : undefined });
      const cpu = process.cpuUsage();
      const rate = await storm(server.url);
      const used = process.cpuUsage(cpu);
      (withRecorder ? figures.recorded : figures.plain).push(rate);
      (withRecorder ? figures.recordedCpu : figures.plainCpu).push((used.user + used.system) / (CLIENTS * ROUNDS * 5));
      await server.close();
      await recorder.close();
    }
  }
  return figures;
}

/** `node status` and `node list` over every node of `root`, each with a recorded five-file boot. */
async function statusFigures({ services, cli }: Awaited<ReturnType<typeof makeRoot>>, count: number): Promise<{ v2: Timing; v1: Timing; list: Timing; upToDate: number; bytes: number }> {
  const etagOf = async (file: string) => entityTag(await stat(file));
  const kernels = services.paths.kernelsDir;
  const image = services.paths.imageDir('storm');
  const shared = {
    bootFile: { path: `${D}/images/storm/boot.ipxe`, etag: await etagOf(join(image, 'boot.ipxe')) },
    kernel: { path: `${D}/kernels/vmlinuz-6.1.0-bench`, etag: await etagOf(join(kernels, 'vmlinuz-6.1.0-bench')) },
    initramfs: { path: `${D}/kernels/initramfs-kernel-6.1.0-bench`, etag: await etagOf(join(kernels, 'initramfs-kernel-6.1.0-bench')) },
    rootImage: { path: `${D}/images/storm/squashfs.img`, etag: await etagOf(join(image, 'squashfs.img')) },
  };
  // One boot storm: each node's fetches a few hundred ms apart, nodes a few ms apart.
  const start = Date.now() - 3_600_000;
  const records = emptyRecords();
  for (let i = 1; i <= count; i += 1) {
    const name = `c${String(i).padStart(5, '0')}`;
    const at = (step: number) => new Date(start + i * 7 + step * 150).toISOString();
    const script = { path: `${D}/nodes/${name}.ipxe`, etag: await etagOf(join(services.paths.bootNodesDir, `${name}.ipxe`)) };
    records.nodes[name] = {
      lastSeen: at(4), address: '192.0.2.1', mac: `52-54-00-00-${String(Math.floor(i / 100) % 100).padStart(2, '0')}-${String(i % 100).padStart(2, '0')}`,
      stages: Object.fromEntries(Object.entries({ nodeScript: script, ...shared }).map(([stage, file], step) => [stage, { ...file, at: at(step) }])),
    };
  }
  await writeRecords(services.paths.nodeBootsFile, records);
  const bytes = (await stat(services.paths.nodeBootsFile)).size;
  const v2 = await medians(cli('--json', 'node', 'status'));
  const upToDate = (JSON.parse(v2.stdout) as { statuses: { state: string }[] }).statuses.filter((s) => s.state === 'up to date').length;
  const list = await medians(cli('--json', 'node', 'list'));
  await writeFile(services.paths.nodeBootsFile, JSON.stringify(records));
  const v1 = await medians(cli('--json', 'node', 'status'));
  return { v2: { ...v2, stdout: '' }, v1: { ...v1, stdout: '' }, list: { ...list, stdout: '' }, upToDate, bytes };
}

async function main(): Promise<void> {
  const big = await makeRoot(NODES);
  let small: Awaited<ReturnType<typeof makeRoot>> | undefined;
  try {
    small = SMALL_NODES > 0 ? await makeRoot(SMALL_NODES) : undefined;
    console.log(`load average before the storm: ${load()}`);
    const { plain, recorded, plainCpu, recordedCpu } = await storms(big.services);
    const p = median(plain);
    const w = median(recorded);
    console.log(`boot storm: ${CLIENTS} nodes x ${ROUNDS} boots x 5 files, median of ${RUNS} runs each, alternating, same run (load average ${load()})`);
    console.log(`  without recording: ${p.toFixed(0)} requests/s (runs: ${plain.map((v) => v.toFixed(0)).join(', ')}), ${median(plainCpu).toFixed(0)} µs CPU per request`);
    console.log(`  with recording:    ${w.toFixed(0)} requests/s (runs: ${recorded.map((v) => v.toFixed(0)).join(', ')}), ${median(recordedCpu).toFixed(0)} µs CPU per request`);
    console.log(`  cost of recording: ${(((p - w) / p) * 100).toFixed(1)}% of requests/s, ${(((median(recordedCpu) - median(plainCpu)) / median(plainCpu)) * 100).toFixed(1)}% of server CPU per request`);
    const sizes = [...(small ? [[SMALL_NODES, small] as const] : []), [NODES, big] as const];
    const results = [];
    for (const [count, root] of sizes) {
      const figures = await statusFigures(root, count);
      results.push({ count, ...figures });
      console.log(`${count} nodes (${figures.upToDate} up to date; node-boots.json ${(figures.bytes / 1024).toFixed(0)} KiB), medians of 3, load average ${load()}:`);
      console.log(`  node status --json: ${shown(figures.v2)}; same records in format 1: ${shown(figures.v1)}`);
      console.log(`  node list --json:   ${shown(figures.list)}`);
    }
    const last = results[results.length - 1];
    reportRows([
      ...(last ? [{ work: `node status --json, ${NODES} nodes, whole process`, ours: seconds(last.v2.ms), reference: `node list --json ${seconds(last.list.ms)}`, goal: '< 1 s', met: last.v2.ms < 1000 }] : []),
      { work: `boot storm with node status recording, ${CLIENTS} nodes`, ours: `${w.toFixed(0)} requests/s`, reference: `without recording ${p.toFixed(0)} requests/s`,
        ratio: w / p, goal: '>= 0.95x (at most 5% lower)', met: w >= 0.95 * p },
    ]);
  } finally {
    await rm(big.root, { recursive: true, force: true });
    if (small) await rm(small.root, { recursive: true, force: true });
  }
}

await main();
