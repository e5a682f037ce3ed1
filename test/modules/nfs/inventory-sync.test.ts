import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { runCli } from '../../helpers/run-cli.js';
import { golden, rootWithStaging } from '../../helpers/nfs-trees.js';
import type { Services } from '../../../src/services/services.js';

/** nodes.yml and every node script, byte for byte: what a refused command must leave alone. */
async function snapshot(services: Services): Promise<string> {
  const inventory = await readFile(services.paths.inventoryFile, 'utf8').catch(() => '');
  const scripts = (await readdir(services.paths.bootNodesDir).catch(() => [] as string[])).sort();
  const texts = await Promise.all(scripts.map((name) => readFile(join(services.paths.bootNodesDir, name), 'utf8')));
  return JSON.stringify({ inventory, scripts, texts });
}

test('a golden image is refused to nodes without their tree, whatever the way it reaches them; --create-tree makes the trees', async () => {
  const { temp, services } = await rootWithStaging();
  const cli = (args: string[]) => runCli(['--yes', ...args], { root: temp.root });
  try {
    await services.images.create('NfsGoldenImage', 'gold', { from: 'stage1' });
    assert.equal((await cli(['nfs', 'nodes', 'add', 'gold', 'n[1-2]'])).exitCode, 0);
    assert.equal((await cli(['profile', 'add', 'gp', '--image', 'gold'])).exitCode, 0, 'no node lists it yet');
    assert.equal((await cli(['profile', 'add', 'plain'])).exitCode, 0);
    assert.equal((await cli(['node', 'add', 'n[3-5]', '--profile', 'plain'])).exitCode, 0);
    const before = await snapshot(services);
    for (const args of [['boot', 'set', 'n[1-5]', 'gold'], ['node', 'set', 'n[3-4]', '--image', 'gold'], ['node', 'add', 'n9', '--image', 'gold'],
      ['profile', 'set', 'plain', '--image', 'gold'], ['node', 'set', 'n5', '--profile', 'gp']]) {
      const refused = await cli(args);
      assert.equal(refused.exitCode, 2, `${args.join(' ')}: ${refused.stderr}`);
      assert.equal(refused.stderr.trim().split('\n').length, 1);
      assert.match(refused.stderr, /image gold has no node tree for n/);
      assert.match(refused.stderr, /disklessset nfs nodes add gold '/);
    }
    assert.match((await cli(['boot', 'set', 'n[1-5]', 'gold'])).stderr, /for n\[3-5\] \(3 nodes\)/, 'the nodes lacking a tree, folded');
    assert.equal(await snapshot(services), before, 'refusals changed nothing');
    const made = await cli(['boot', 'set', 'n[1-4]', 'gold', '--create-tree']);
    assert.equal(made.exitCode, 0, made.stderr);
    assert.deepEqual((await golden(services, 'gold')).nodes.sort(), ['n1', 'n2', 'n3', 'n4']);
    assert.equal((await services.inventory.effectiveNodes('n[1-4]')).every((node) => node.attributes.image === 'gold'), true);
  } finally {
    await temp.cleanup();
  }
});

test('nfs nodes add records the nodes (booting nothing unless --assign); nfs nodes remove refuses booting nodes unless --force, which unassigns them', async () => {
  const { temp, services } = await rootWithStaging();
  const cli = (args: string[]) => runCli(['--yes', ...args], { root: temp.root });
  try {
    await services.images.create('NfsGoldenImage', 'gold', { from: 'stage1' });
    assert.equal((await cli(['nfs', 'nodes', 'add', 'gold', 'n[1-2]'])).exitCode, 0);
    let nodes = await services.inventory.effectiveNodes();
    assert.deepEqual(nodes.map((node) => [node.name, node.attributes.image]), [['n1', undefined], ['n2', undefined]]);
    const assigned = JSON.parse((await cli(['nfs', 'nodes', 'add', 'gold', 'n[3-4]', '--assign', '--json'])).stdout) as { recordedNodes: string; assignedNodes: string };
    assert.deepEqual([assigned.recordedNodes, assigned.assignedNodes], ['n[3-4]', 'n[3-4]']);
    nodes = await services.inventory.effectiveNodes('n[3-4]');
    assert.deepEqual(nodes.map((node) => node.attributes.image), ['gold', 'gold']);

    const before = await snapshot(services);
    const refused = await cli(['nfs', 'nodes', 'remove', 'gold', 'n[2-4]']);
    assert.equal(refused.exitCode, 2, refused.stderr);
    assert.match(refused.stderr, /^disklessset: n\[3-4\] \(2 nodes\) boot gold;.*--force/);
    assert.equal(await snapshot(services), before);
    assert.ok(existsSync((await golden(services, 'gold')).nodeTree('n3')), 'the trees are still there');

    // A node booting gold through a profile cannot be unassigned by --force: refused too, before any work.
    assert.equal((await cli(['profile', 'add', 'gp', '--image', 'gold'])).exitCode, 0);
    assert.equal((await cli(['node', 'set', 'n1', '--profile', 'gp'])).exitCode, 0);
    const viaProfile = await cli(['nfs', 'nodes', 'remove', 'gold', 'n1', '--force']);
    assert.equal(viaProfile.exitCode, 2);
    assert.match(viaProfile.stderr, /n1 \(1 node\) boot gold through a profile/);
    assert.ok(existsSync((await golden(services, 'gold')).nodeTree('n1')));

    const forced = await cli(['nfs', 'nodes', 'remove', 'gold', 'n[2-4]', '--force']);
    assert.equal(forced.exitCode, 0, forced.stderr);
    assert.match(forced.stdout, /unassigned n\[3-4\] \(2 nodes\)/);
    nodes = await services.inventory.effectiveNodes('n[2-4]');
    assert.deepEqual(nodes.map((node) => node.attributes.image), [undefined, undefined, undefined]);
    assert.equal((await golden(services, 'gold')).nodes.join(','), 'n1');
  } finally {
    await temp.cleanup();
  }
});
