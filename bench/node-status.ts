/**
 * What each node booted, at cluster scale:
 * 1. boot storm with and without recording, in the same run: the embedded
 *    server (this process) answers CLIENTS nodes fetching their whole boot
 *    chain (node script, boot file, kernel, initramfs, a 1 MiB root image)
 *    ROUNDS times; runs alternate without and with the recorder, the median
 *    of RUNS each is compared;
 * 2. `node status --json` over NODES nodes (default 10,000), whole process,
 *    each node with a recorded boot of five files, median of 3.
 * Environment: NODES, CLIENTS (default 200), ROUNDS (default 20), RUNS (default 3).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { BootRecorder } from '../src/boot/node-status/index.js';
import { entityTag } from '../src/serve/conditional.js';
import { createBootServer } from '../src/serve/static-server.js';
import { openServices } from '../src/services/services.js';
import { run } from '../src/system/runner.js';
import { CLI } from '../test/helpers/temp-root.js';
import { stat } from 'node:fs/promises';
import { reportRows, seconds } from './table.js';

const NODES = Number(process.env.NODES ?? 10_000);
const CLIENTS = Number(process.env.CLIENTS ?? 200);
const ROUNDS = Number(process.env.ROUNDS ?? 20);
const RUNS = Number(process.env.RUNS ?? 3);
const here = dirname(fileURLToPath(import.meta.url));
const D = '/preboot_execution_environment/diskless';
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

async function storm(url: string): Promise<number> {
  const result = await run([process.execPath, join(here, 'node-status-load.js'), url, String(CLIENTS), String(ROUNDS)], { timeoutMs: 600_000 });
  const { requests, ms } = JSON.parse(result.stdout) as { requests: number; ms: number };
  return requests / (ms / 1000);
}

async function main(): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'disklessset-bench-status-'));
  try {
    const cli = (...args: string[]) => [process.execPath, CLI, '--root', root, ...args];
    await run(cli('demo', 'create', 'storm', '--message', 'bench'));
    const services = await openServices({ root });
    const kernels = services.paths.kernelsDir;
    await writeFile(join(kernels, 'vmlinuz-6.1.0-bench'), Buffer.alloc(64 * 1024, 1));
    await writeFile(join(kernels, 'initramfs-kernel-6.1.0-bench'), Buffer.alloc(256 * 1024, 2));
    await writeFile(join(services.paths.imageDir('storm'), 'squashfs.img'), Buffer.alloc(1024 * 1024, 3));
    const width = String(NODES).length;
    await run(cli('profile', 'add', 'compute', '--image', 'storm'));
    await run(cli('node', 'add', `c[${'1'.padStart(width, '0')}-${NODES}]`, '--profile', 'compute'), { timeoutMs: 600_000 });

    // 1. Boot storm, alternating without and with recording.
    const plain: number[] = [];
    const recorded: number[] = [];
    for (let r = 0; r < RUNS; r += 1) {
      for (const withRecorder of [false, true]) {
        const recorder = withRecorder ? await new BootRecorder(services.paths, services.inventory).open() : undefined;
        const server = await createBootServer({ root: services.paths.httpRoot, port: 0, accessLog: () => {}, onServed: recorder?.observe });
        (withRecorder ? recorded : plain).push(await storm(server.url));
        await server.close();
        await recorder?.close();
      }
    }

    // 2. node status over every node, each with a recorded five-file boot (what serve writes).
    const etagOf = async (file: string) => entityTag(await stat(file));
    const stages = {
      bootFile: { path: `${D}/images/storm/boot.ipxe`, etag: await etagOf(join(services.paths.imageDir('storm'), 'boot.ipxe')) },
      kernel: { path: `${D}/kernels/vmlinuz-6.1.0-bench`, etag: await etagOf(join(kernels, 'vmlinuz-6.1.0-bench')) },
      initramfs: { path: `${D}/kernels/initramfs-kernel-6.1.0-bench`, etag: await etagOf(join(kernels, 'initramfs-kernel-6.1.0-bench')) },
      rootImage: { path: `${D}/images/storm/squashfs.img`, etag: await etagOf(join(services.paths.imageDir('storm'), 'squashfs.img')) },
    };
    const at = new Date().toISOString();
    const nodes: Record<string, unknown> = {};
    for (let i = 1; i <= NODES; i += 1) {
      const name = `c${String(i).padStart(width, '0')}`;
      const script = join(services.paths.bootNodesDir, `${name}.ipxe`);
      nodes[name] = {
        lastSeen: at, address: '192.0.2.1',
        stages: { nodeScript: { path: `${D}/nodes/${name}.ipxe`, etag: await etagOf(script), at }, ...Object.fromEntries(Object.entries(stages).map(([k, v]) => [k, { ...v, at }])) },
      };
    }
    await writeFile(services.paths.nodeBootsFile, JSON.stringify({ nodes, unknown: { count: 0, recent: [] } }));
    const times: number[] = [];
    let upToDate = 0;
    for (let r = 0; r < 3; r += 1) {
      const start = performance.now();
      const result = await run(cli('--json', 'node', 'status'), { timeoutMs: 600_000, maxBuffer: 512 * 1024 * 1024 });
      times.push(performance.now() - start);
      upToDate = (JSON.parse(result.stdout) as { statuses: { state: string }[] }).statuses.filter((s) => s.state === 'up to date').length;
    }
    const inventoryOnly: number[] = [];
    for (let r = 0; r < 3; r += 1) {
      const start = performance.now();
      await run(cli('--json', 'node', 'list'), { timeoutMs: 600_000, maxBuffer: 512 * 1024 * 1024 });
      inventoryOnly.push(performance.now() - start);
    }

    const p = median(plain);
    const w = median(recorded);
    console.log(`boot storm: ${CLIENTS} nodes x ${ROUNDS} boots x 5 files, median of ${RUNS} runs each, same run`);
    console.log(`  without recording: ${p.toFixed(0)} requests/s (runs: ${plain.map((v) => v.toFixed(0)).join(', ')})`);
    console.log(`  with recording:    ${w.toFixed(0)} requests/s (runs: ${recorded.map((v) => v.toFixed(0)).join(', ')})`);
    console.log(`  cost of recording: ${(((p - w) / p) * 100).toFixed(1)}%`);
    console.log(`node status --json, ${NODES} nodes (${upToDate} up to date), whole process, median of 3: ${median(times).toFixed(0)} ms`);
    console.log(`  for comparison, node list --json on the same inventory: ${median(inventoryOnly).toFixed(0)} ms`);
    reportRows([
      { work: `node status --json, ${NODES} nodes, whole process`, ours: seconds(median(times)), reference: '-', goal: '< 1 s', met: median(times) < 1000 },
      { work: `boot storm with node status recording, ${CLIENTS} nodes`, ours: `${w.toFixed(0)} requests/s`, reference: `without recording ${p.toFixed(0)} requests/s`,
        ratio: w / p, goal: '>= 0.95x (at most 5% lower)', met: w >= 0.95 * p },
    ]);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

await main();
