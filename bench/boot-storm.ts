/**
 * Boot storm: CLIENTS nodes (default 200) download the same squashfs image
 * (default 500 MB of random data) at once over loopback, from the embedded
 * boot server and from nginx serving the same file, in one run. Reports
 * aggregate throughput, completion time and the server's peak RSS (sampled
 * from /proc/<pid>/status). Stops by itself: each server gets a deadline.
 *
 * Run: npm run build && node dist/bench/boot-storm.js
 * Environment: BOOT_STORM_CLIENTS, BOOT_STORM_MB, BOOT_STORM_DEADLINE_S,
 * BOOT_STORM_CHUNK_KB (read size of the embedded server), BOOT_STORM_CACHE_MB
 * (its shared chunk cache; 0 = none), BOOT_STORM_WORKERS (worker processes of
 * the embedded server as `serve --workers`, default 1; a list such as `1,2`
 * measures each, alternately, in every round), BOOT_STORM_BACKGROUND (busy
 * processes competing with each server, default one per core; 0 = quiet) and
 * BOOT_STORM_RUNS (rounds, nginx then serve in each; the median ratio is reported).
 */
import { randomFillSync } from 'node:crypto';
import { chmod, mkdir, mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderHttpConfig } from '../src/serve/http-config.js';
import { run } from '../src/system/runner.js';
import { reportRows } from './table.js';
import { freeLoopbackPort, startNginx } from '../test/helpers/nginx-harness.js';
import { backgroundCount, withBackgroundLoad } from './boot-storm-background.js';

const CLIENTS = Number(process.env.BOOT_STORM_CLIENTS ?? 200);
const SIZE_MB = Number(process.env.BOOT_STORM_MB ?? 500);
const DEADLINE_MS = Number(process.env.BOOT_STORM_DEADLINE_S ?? 240) * 1000;
const CHUNK_BYTES = process.env.BOOT_STORM_CHUNK_KB ? Number(process.env.BOOT_STORM_CHUNK_KB) * 1024 : undefined;
const RUNS = Number(process.env.BOOT_STORM_RUNS ?? 1);
const BACKGROUND = backgroundCount();
const CACHE_MB = process.env.BOOT_STORM_CACHE_MB;
const WORKERS = (process.env.BOOT_STORM_WORKERS || '1').split(',').map(Number);
if (WORKERS.some((count) => !Number.isInteger(count) || count < 1)) throw new Error('BOOT_STORM_WORKERS must be whole numbers from 1, e.g. 1 or 1,2');
const IMAGE_PATH = '/preboot_execution_environment/diskless/images/storm/squashfs.img';
const here = dirname(fileURLToPath(import.meta.url));

interface LoadResult {
  clients: number; completed: number; statuses: number[]; bodyBytes: number;
  seconds: number; firstDoneSeconds: number; lastDoneSeconds: number;
}
interface Measurement { load: LoadResult; baselineRssMb: number; peakRssMb: number; cpuSeconds: number }

async function writeRandomImage(path: string, bytes: number): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const file = await open(path, 'w');
  const block = Buffer.allocUnsafe(8 * 1024 * 1024);
  try {
    for (let written = 0; written < bytes; written += block.length) {
      randomFillSync(block);
      await file.write(block, 0, Math.min(block.length, bytes - written));
    }
  } finally {
    await file.close();
  }
}

/** Resident memory of the processes, in kB (missing processes count 0). */
async function rssKb(pids: number[]): Promise<number> {
  let total = 0;
  for (const pid of pids) {
    const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
    total += Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0);
  }
  return total;
}

/** User+system CPU time of the processes, in seconds. */
async function cpuSeconds(pids: number[]): Promise<number> {
  let ticks = 0;
  for (const pid of pids) {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    ticks += Number(fields[11] ?? 0) + Number(fields[12] ?? 0);
  }
  return ticks / 100;
}

/** A server's main process plus its workers (nginx's master and workers, serve's cluster workers). */
async function withChildren(masterPid: number): Promise<number[]> {
  const children = await readFile(`/proc/${masterPid}/task/${masterPid}/children`, 'utf8').catch(() => '');
  return [masterPid, ...children.trim().split(/\s+/).filter(Boolean).map(Number)];
}

/** Runs the load generator against `url` while sampling the server processes. */
async function storm(url: string, pids: () => Promise<number[]>): Promise<Measurement> {
  const baselineRssMb = (await rssKb(await pids())) / 1024;
  const cpuBefore = await cpuSeconds(await pids());
  let peak = 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      peak = Math.max(peak, await rssKb(await pids()));
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  const result = await run([process.execPath, join(here, 'boot-storm-load.js'), url, String(CLIENTS),
    String(SIZE_MB * 1024 * 1024), String(DEADLINE_MS)], { timeoutMs: DEADLINE_MS + 60_000 });
  const cpuAfter = await cpuSeconds(await pids());
  sampling = false;
  await sampler;
  return { load: JSON.parse(result.stdout) as LoadResult, baselineRssMb, peakRssMb: peak / 1024, cpuSeconds: cpuAfter - cpuBefore };
}

async function measureEmbedded(root: string, workers: number): Promise<Measurement> {
  const controller = new AbortController();
  let announce: (value: { pid: number; url: string }) => void = () => {};
  const announced = new Promise<{ pid: number; url: string }>((resolve) => { announce = resolve; });
  const args = [process.execPath, join(here, 'boot-storm-server.js'), root, String(CHUNK_BYTES ?? ''), CACHE_MB ?? '', String(workers)];
  const exited = run(args, {
    signal: controller.signal,
    onStdout: (chunk) => announce(JSON.parse(chunk.toString().split('\n')[0] ?? '') as { pid: number; url: string }),
  }).catch(() => { /* stopped on purpose */ });
  const { pid, url } = await announced;
  try {
    return await storm(new URL(IMAGE_PATH, url).href, () => withChildren(pid));
  } finally {
    controller.abort();
    await exited;
  }
}

async function measureNginx(base: string, root: string, round: number): Promise<Measurement> {
  const workDir = join(base, `nginx-${round}`);
  await mkdir(workDir);
  const port = await freeLoopbackPort();
  const snippet = renderHttpConfig('nginx', { documentRoot: root, listen: '127.0.0.1', port });
  const nginx = await startNginx({ workDir, snippet, port });
  try {
    return await storm(`http://127.0.0.1:${port}${IMAGE_PATH}`, () => withChildren(nginx.masterPid));
  } finally {
    await nginx.stop();
  }
}

function describe(name: string, m: Measurement): Record<string, string | number> {
  const mbps = m.load.bodyBytes / 1024 / 1024 / m.load.seconds;
  return {
    server: name,
    completed: `${m.load.completed}/${m.load.clients}`,
    'throughput MB/s': Math.round(mbps),
    'completion s': Number(m.load.seconds.toFixed(1)),
    'first done s': Number(m.load.firstDoneSeconds.toFixed(1)),
    'RSS idle MB': Math.round(m.baselineRssMb),
    'RSS peak MB': Math.round(m.peakRssMb),
    'server CPU s': Number(m.cpuSeconds.toFixed(1)),
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] ?? 0 : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

const throughput = (m: Measurement) => m.load.bodyBytes / m.load.seconds;
const base = await mkdtemp(join(tmpdir(), 'disklessset-boot-storm-'));
try {
  await chmod(base, 0o755); // nginx workers read the tree unprivileged
  const root = join(base, 'www');
  console.error(`boot-storm: writing ${SIZE_MB} MB of random data`);
  await writeRandomImage(join(root, IMAGE_PATH), SIZE_MB * 1024 * 1024);
  console.error(`boot-storm: load average before ${loadavg().map((l) => l.toFixed(2)).join(' ')}, `
    + `${BACKGROUND} busy background processes during each server's run`);
  const rows: Record<string, string | number>[] = [];
  const variants = WORKERS.map((workers) => ({ workers, name: workers > 1 ? `disklessset serve --workers ${workers}` : 'disklessset serve',
    ratios: [] as number[], ours: [] as number[] }));
  const theirs: number[] = [];
  for (let round = 1; round <= RUNS; round += 1) {
    console.error(`boot-storm: round ${round}/${RUNS}, ${CLIENTS} clients against nginx`);
    const nginx = await withBackgroundLoad(BACKGROUND, () => measureNginx(base, root, round));
    rows.push(describe(`nginx (sendfile) #${round}`, nginx));
    theirs.push(throughput(nginx));
    for (const variant of variants) {
      console.error(`boot-storm: round ${round}/${RUNS}, ${CLIENTS} clients against ${variant.name}`);
      const embedded = await withBackgroundLoad(BACKGROUND, () => measureEmbedded(root, variant.workers));
      rows.push(describe(`${variant.name} #${round}`, embedded));
      variant.ratios.push(throughput(embedded) / throughput(nginx));
      variant.ours.push(throughput(embedded));
    }
  }
  console.table(rows);
  console.log(`load average after ${loadavg().map((l) => l.toFixed(2)).join(' ')}; background ${BACKGROUND} busy processes`);
  const mbps = (bytesPerSecond: number) => `${(bytesPerSecond / 1024 / 1024).toFixed(0)} MB/s`;
  for (const { name, ratios } of variants) {
    const goal = BACKGROUND > 0 ? `goal >= 85% under background load: ${median(ratios) >= 0.85 ? 'met' : 'not met'}`
      : 'quiet run: the goal (>= 85%) is stated under background load';
    console.log(`${name}/nginx throughput: ${(median(ratios) * 100).toFixed(0)}% median of ${RUNS} `
      + `(${ratios.map((r) => `${(r * 100).toFixed(0)}%`).join(', ')}); ${goal}`);
  }
  reportRows(variants.map(({ name, ratios, ours }) => ({
    work: `boot storm ${CLIENTS} x ${SIZE_MB} MB, ${BACKGROUND} busy processes${name.includes('--workers') ? `, ${name.slice('disklessset '.length)}` : ''}`,
    ours: mbps(median(ours)), reference: `nginx ${mbps(median(theirs))}`, ratio: median(ratios), goal: '>= 0.85x nginx under load',
    met: BACKGROUND > 0 ? median(ratios) >= 0.85 : undefined,
  })));
} finally {
  await rm(base, { recursive: true, force: true });
}
