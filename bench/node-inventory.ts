/**
 * The node inventory at cluster scale, whole processes as an administrator or
 * Ansible runs them: `node add` of N nodes with a profile that gives them an
 * image (writing nodes.yml and rendering N node scripts), then `node list
 * --json`, side by side with `ansible-inventory --list` reading the same N
 * hosts from an INI inventory (what a BlueBanquise site runs instead). N is
 * `NODES` (default 10,000; try 100,000 to check the cost grows linearly).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { CLI } from '../test/helpers/temp-root.js';
import { run } from '../src/system/runner.js';
import { reportRows, seconds } from './table.js';

const NODES = Number(process.env.NODES ?? 10_000);
const RUNS = Number(process.env.RUNS ?? 3);

async function timed(command: string[]): Promise<{ ms: number; stdout: string }> {
  const start = performance.now();
  const result = await run(command, { timeoutMs: 600_000 });
  return { ms: performance.now() - start, stdout: result.stdout };
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
}

async function main(): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'disklessset-bench-nodes-'));
  const width = String(NODES).length;
  const nodeSet = `c[${'1'.padStart(width, '0')}-${NODES}]`;
  try {
    const cli = (...args: string[]) => [process.execPath, CLI, '--root', root, ...args];
    await run(cli('demo', 'create', 'gold', '--message', 'bench'));
    await run(cli('profile', 'add', 'compute', '--image', 'gold'));
    const add = await timed(cli('node', 'add', nodeSet, '--profile', 'compute'));
    const lists: number[] = [];
    let count = 0;
    for (let r = 0; r < RUNS; r += 1) {
      const listed = await timed(cli('node', 'list', '--json'));
      lists.push(listed.ms);
      count = (JSON.parse(listed.stdout) as unknown[]).length;
    }
    const one: number[] = [];
    for (let r = 0; r < RUNS; r += 1) one.push((await timed(cli('node', 'set', 'c'.concat('1'.padStart(width, '0')), '--ip', `10.0.0.${r + 1}`))).ms);

    const ini = join(root, 'hosts.ini');
    const lines = ['[compute]'];
    for (let i = 1; i <= NODES; i += 1) lines.push(`c${String(i).padStart(width, '0')} ip=10.1.${Math.floor(i / 250) % 250}.${(i % 250) + 1}`);
    await writeFile(ini, `${lines.join('\n')}\n`);
    const ansible: number[] = [];
    for (let r = 0; r < RUNS; r += 1) ansible.push((await timed(['ansible-inventory', '-i', ini, '--list'])).ms);

    console.log(`node inventory, ${NODES} nodes, whole processes, median of ${RUNS}`);
    console.log(`  node add ${nodeSet} --profile compute (nodes.yml + ${NODES} node scripts): ${add.ms.toFixed(0)} ms`);
    console.log(`  node set of one node (whole file rewritten): ${median(one).toFixed(0)} ms`);
    console.log(`  node list --json (${count} nodes): ${median(lists).toFixed(0)} ms`);
    console.log(`  ansible-inventory --list (same hosts, INI): ${median(ansible).toFixed(0)} ms`);
    console.log(`  ratio node list / ansible-inventory: ${(median(lists) / median(ansible)).toFixed(2)}`);
    reportRows([
      { work: `node add of ${NODES} nodes with a profile (scripts and overlay archives), whole process`, ours: seconds(add.ms), reference: '-', goal: '< 5 s', met: add.ms < 5000 },
      { work: `node list --json, ${NODES} nodes, whole process`, ours: seconds(median(lists)), reference: `ansible-inventory --list ${seconds(median(ansible))}`,
        ratio: median(ansible) / median(lists), goal: '< 1 s', met: median(lists) < 1000 },
    ]);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

await main();
