/**
 * The node inventory at cluster scale, whole processes as an administrator or
 * Ansible runs them: `node add` of N nodes with a profile that gives them an
 * image (writing nodes.yml and rendering N node scripts), then `node list
 * --json`, side by side with `ansible-inventory --list` reading the same N
 * hosts from an INI inventory (what a BlueBanquise site runs instead). N is
 * `NODES` (default 10,000; run 1,000 and 10,000 to check the cost grows
 * linearly); `ANSIBLE=0` leaves out the ansible-inventory runs (two minutes
 * at 10,000 hosts on a loaded machine). The default overlays are on
 * (`hostname`): `node add` renders and publishes an archive per node too.
 * Every process runs under /usr/bin/time: the machine is shared, so CPU time
 * (user + system) is printed beside wall time, with the load average.
 */
import { writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { CLI } from '../test/helpers/temp-root.js';
import { run } from '../src/system/runner.js';
import { reportRows, seconds } from './table.js';
import { scratchFolder } from './scratch-fs.js';

const NODES = Number(process.env.NODES ?? 10_000);
const RUNS = Number(process.env.RUNS ?? 3);

interface Timing { ms: number; cpuMs: number; stdout: string }

async function timed(command: string[]): Promise<Timing> {
  const start = performance.now();
  const result = await run(['/usr/bin/time', '-f', 'CPU %U %S', ...command], { timeoutMs: 600_000 });
  const cpu = /CPU ([\d.]+) ([\d.]+)\s*$/.exec(result.stderr);
  return { ms: performance.now() - start, cpuMs: cpu ? (Number(cpu[1]) + Number(cpu[2])) * 1000 : NaN, stdout: result.stdout };
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
}

/** `wall ms / CPU ms`, medians of `timings`. */
function shown(timings: Timing[]): string {
  return `${median(timings.map((t) => t.ms)).toFixed(0)} ms wall / ${median(timings.map((t) => t.cpuMs)).toFixed(0)} ms CPU`;
}

async function main(): Promise<void> {
  const scratch = await scratchFolder('disklessset-bench-nodes-');
  const root = scratch.dir;
  const width = String(NODES).length;
  const nodeSet = `c[${'1'.padStart(width, '0')}-${NODES}]`;
  try {
    const cli = (...args: string[]) => [process.execPath, CLI, '--root', root, ...args];
    await run(cli('demo', 'create', 'gold', '--message', 'bench'));
    await run(cli('profile', 'add', 'compute', '--image', 'gold'));
    const load = loadavg().map((value) => value.toFixed(2)).join(' ');
    const add = await timed(cli('node', 'add', nodeSet, '--profile', 'compute'));
    const lists: Timing[] = [];
    let count = 0;
    for (let r = 0; r < RUNS; r += 1) {
      const listed = await timed(cli('node', 'list', '--json'));
      lists.push(listed);
      count = (JSON.parse(listed.stdout) as unknown[]).length;
    }
    const one = 'c'.concat('42'.padStart(width, '0'));
    const vars: Timing[] = [];
    for (let r = 0; r < RUNS; r += 1) vars.push(await timed(cli('node', 'set', one, '--var', `k=v${r}`)));
    const addresses: Timing[] = [];
    for (let r = 0; r < RUNS; r += 1) addresses.push(await timed(cli('node', 'set', one, '--ip', `10.0.0.${r + 1}`)));
    const startup: Timing[] = [];
    for (let r = 0; r < RUNS; r += 1) startup.push(await timed(cli('kernel', 'list')));

    const ansible: number[] = [];
    if (process.env.ANSIBLE !== '0') {
      const ini = join(root, 'hosts.ini');
      const lines = ['[compute]'];
      for (let i = 1; i <= NODES; i += 1) lines.push(`c${String(i).padStart(width, '0')} ip=10.1.${Math.floor(i / 250) % 250}.${(i % 250) + 1}`);
      await writeFile(ini, `${lines.join('\n')}\n`);
      for (let r = 0; r < RUNS; r += 1) ansible.push((await timed(['ansible-inventory', '-i', ini, '--list'])).ms);
    }

    console.log(`node inventory, ${NODES} nodes, whole processes, median of ${RUNS}, on ${scratch.where} (load average at start: ${load})`);
    console.log(`  node add ${nodeSet} --profile compute (nodes.yml, ${NODES} node scripts and overlay archives): ${shown([add])}`);
    console.log(`  node set ${one} --var k=v (one node, archives following): ${shown(vars)}`);
    console.log(`  node set ${one} --ip (every /etc/hosts changes): ${shown(addresses)}`);
    console.log(`  node list --json (${count} nodes): ${shown(lists)}`);
    console.log(`  kernel list (start-up alone): ${shown(startup)}`);
    const listMs = median(lists.map((t) => t.ms));
    const varMs = median(vars.map((t) => t.ms));
    if (ansible.length > 0) {
      console.log(`  ansible-inventory --list (same hosts, INI): ${median(ansible).toFixed(0)} ms`);
      console.log(`  ratio node list / ansible-inventory: ${(listMs / median(ansible)).toFixed(2)}`);
    }
    reportRows([
      { work: `node add of ${NODES} nodes with a profile (scripts and overlay archives), whole process`, ours: seconds(add.ms), reference: '-', goal: '< 5 s', met: add.ms < 5000 },
      { work: `node set of one node's variable among ${NODES}, whole process`, ours: seconds(varMs), reference: '-', goal: '< 1 s', met: varMs < 1000 },
      { work: `node list --json, ${NODES} nodes, whole process`, ours: seconds(listMs), reference: ansible.length > 0 ? `ansible-inventory --list ${seconds(median(ansible))}` : '-',
        ...(ansible.length > 0 ? { ratio: median(ansible) / listMs } : {}), goal: '< 1 s', met: listMs < 1000 },
    ]);
  } finally {
    await scratch.close();
  }
}

await main();
