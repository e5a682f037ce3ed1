import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lstat, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Paths } from '../../src/core/paths.js';
import { emptyInventory, formatInventory } from '../../src/core/nodes/inventory-file.js';
import { inventoryHash } from '../../src/core/nodes/inventory-cache.js';
import { generationPointerFile, generationsDir } from '../../src/boot/boot-paths.js';
import { expandNodeNames } from '../../src/nodeset/index.js';
import { makeTempRoot, type TempRoot } from '../helpers/temp-root.js';
import { ANY_COMMANDS, processesUnder, runKilled, seededRandom } from '../helpers/kill-check.js';

const NODES = 5000;
const MAC_NODES = 50;
const name = (i: number) => `c${String(i).padStart(4, '0')}`;
const mac = (i: number) => `02:00:00:00:${String(Math.floor(i / 100)).padStart(2, '0')}:${String(i % 100).padStart(2, '0')}`;

/** Inventory-changing commands over large node sets, the image drawn from `pick`. */
function changingCommand(random: () => number): string[] {
  const image = random() < 0.5 ? 'a' : 'b';
  const commands = [
    ['node', 'set', `c[0001-${NODES}]`, '--image', image],
    ['node', 'set', 'c[0001-2500]', '--unset-image'],
    ['boot', 'set', 'c[2001-4000]', image],
    ['boot', 'unset', 'c[0001-3000]'],
    ['profile', 'set', 'compute', '--image', image],
  ];
  return commands[Math.floor(random() * commands.length)] as string[];
}

async function json(t: TempRoot, args: string[]): Promise<unknown> {
  const answer = await t.cli([...args, '--json']);
  assert.equal(answer.exitCode, 0, `${args.join(' ')}: ${answer.stderr}`);
  return JSON.parse(answer.stdout) as unknown;
}

/** `boot list --json`, `node list --json` and the files served agree exactly; one published generation and its previous one, nothing else. */
async function assertAgree(t: TempRoot, paths: Paths, context: string): Promise<void> {
  const byBootList: Record<string, string> = {};
  for (const row of await json(t, ['boot', 'list']) as { image: string; nodes: string }[]) {
    for (const node of expandNodeNames(row.nodes)) byBootList[node] = row.image;
  }
  const byNodeList: Record<string, string> = {};
  const expectedFiles: Record<string, string> = {};
  for (const node of await json(t, ['node', 'list']) as { name: string; image?: string; mac?: string[] }[]) {
    if (node.image === undefined) continue;
    byNodeList[node.name] = node.image;
    expectedFiles[`${node.name}.ipxe`] = node.image;
    for (const address of node.mac ?? []) expectedFiles[`${address.replaceAll(':', '-')}.ipxe`] = node.image;
  }
  assert.deepEqual(byBootList, byNodeList, `${context}: boot list = node list`);
  const files = (await readdir(paths.bootNodesDir)).filter((file) => file.endsWith('.ipxe'));
  assert.deepEqual(files.sort(), Object.keys(expectedFiles).sort(), `${context}: files = nodes with an image and their MAC addresses`);
  for (const file of files) {
    const text = await readFile(join(paths.bootNodesDir, file), 'utf8');
    assert.ok(text.includes(`set diskless-image ${expectedFiles[file]}\n`), `${context}: ${file} boots ${expectedFiles[file]}`);
  }
  assert.ok((await lstat(paths.bootNodesDir)).isSymbolicLink(), `${context}: nodes is a link to a generation`);
  const generations = await readdir(generationsDir(paths));
  assert.ok(generations.length <= 2 && generations.every((entry) => /^\d+$/.test(entry)), `${context}: generations ${generations.join(' ')}`);
  const pointer = JSON.parse(await readFile(generationPointerFile(paths), 'utf8')) as { inventorySha256: string };
  assert.equal(pointer.inventorySha256, inventoryHash(await readFile(paths.inventoryFile, 'utf8')), `${context}: pointer names this nodes.yml`);
  assert.deepEqual(await processesUnder(t.root), [], `${context}: no command still running`);
}

test(`${NODES} nodes, inventory changes killed at 20 random moments: boot list, node list and the files served agree after the next command`, async (context) => {
  const t = await makeTempRoot();
  try {
    for (const image of ['a', 'b']) assert.equal((await t.cli(['demo', 'create', image, '--message', image])).exitCode, 0);
    const { paths } = await t.services();
    // The starting inventory is written by hand (as an administrator may): the next command publishes it.
    const document = emptyInventory();
    document.profiles.compute = { image: 'a' };
    for (let i = 1; i <= NODES; i += 1) document.nodes[name(i)] = i <= MAC_NODES ? { profiles: ['compute'], mac: [mac(i)] } : { profiles: ['compute'] };
    await writeFile(paths.inventoryFile, formatInventory(document));
    await assertAgree(t, paths, 'hand-written inventory');

    // Kill moments are drawn over the time one such change takes on this machine (measured, never asserted),
    // so that they fall before, inside and after the change whatever the machine's speed.
    const started = performance.now();
    await runKilled(t.root, ['node', 'set', `c[0001-${NODES}]`, '--image', 'b'], 600_000);
    const span = Math.max(1000, Math.ceil((performance.now() - started) * 1.2));
    await assertAgree(t, paths, 'an unkilled change');
    const random = seededRandom(13_13);
    let repaired = 0;
    for (let kill = 0; kill < 20; kill += 1) {
      const args = changingCommand(random);
      const delay = Math.floor(random() * span);
      await runKilled(t.root, args, delay);
      const next = ([...ANY_COMMANDS, ['node', 'list', '--json']])[Math.floor(random() * (ANY_COMMANDS.length + 1))] as string[];
      const answer = await t.cli(next);
      assert.equal(answer.exitCode, 0, `${next.join(' ')} after killing ${args.join(' ')} at ${delay} ms: ${answer.stderr}`);
      if (/re-derived|leftover/.test(answer.stderr)) repaired += 1;
      await assertAgree(t, paths, `kill ${kill} (${args.join(' ')} at ${delay} ms, then ${next.join(' ')})`);
    }
    context.diagnostic(`${repaired} of 20 kills left something that the next command repaired`);
  } finally {
    await t.cleanup();
  }
});
