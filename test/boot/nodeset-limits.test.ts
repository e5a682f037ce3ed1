import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempRoot } from '../helpers/temp-root.js';
import { bootOf, installBootGuards, listBoot, nodeScriptPath, setBoot } from '../../src/boot/index.js';
import { addGoldenNodes } from '../../src/modules/nfs/golden-nodes.js';

/** Every file and folder under `dir` whose name ends in `.lock` or holds `.tmp`. */
async function leftovers(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true }).catch(() => [] as string[]);
  return entries.filter((entry) => /\.lock$|\.tmp/.test(entry));
}

test('CLI: boot set with a huge node set exits 2 at once, changes nothing and leaves no lock', async () => {
  const root = await makeTempRoot();
  try {
    assert.equal((await root.cli(['demo', 'create', 'img', '--message', 'hi'])).exitCode, 0);
    const huge = await root.cliProcess(['boot', 'set', 'n[1-20000000]', 'img'], { env: { NODE_OPTIONS: '--max-old-space-size=64' } });
    assert.equal(huge.exitCode, 2, huge.stderr);
    assert.match(huge.stderr, /E_NODESET_TOO_LARGE|more than the limit of 100000/);
    assert.equal(huge.stderr.trim().split('\n').length, 1, huge.stderr);
    for (const text of ['fortoy[2-3,36-40-44]', 'n[-1-2]']) {
      const lenient = await root.cli(['boot', 'set', text, 'img']);
      assert.equal(lenient.exitCode, 2, `${text}: ${lenient.stderr}`);
      assert.match(lenient.stderr, /invalid node set/);
    }
    const services = await root.services();
    assert.deepEqual(await listBoot(services), []);
    assert.deepEqual((await readdir(services.paths.bootNodesDir).catch(() => [] as string[])).filter((f) => f.endsWith('.ipxe')), []);
    assert.deepEqual(await leftovers(root.root), []);
    // The ClusterShell-compatible command keeps its lenient, unlimited reading.
    const folded = await root.cli(['nodeset', '-c', 'fortoy[2-3,36-40-44]']);
    assert.equal(folded.stdout.trim(), '85');
    const counted = await root.cli(['nodeset', '-c', 'n[1-20000000]']);
    assert.equal(counted.stdout.trim(), '20000000');
  } finally {
    await root.cleanup();
  }
});

test('boot set accepts a 69-character FQDN and a 250-character one', async () => {
  const root = await makeTempRoot();
  try {
    const services = await root.services();
    installBootGuards(services);
    await services.images.create('DemoImage', 'img', { message: 'hi' });
    const fqdn = 'compute-node-0001.rack-12.row-b.datacenter-east.hpc-cluster.example.org';
    assert.ok(fqdn.length >= 69);
    const longest = ['a'.repeat(63), 'b'.repeat(63), 'c'.repeat(63), 'd'.repeat(58)].join('.');
    assert.equal(longest.length, 250);
    for (const node of [fqdn, longest]) {
      const result = await setBoot(services, node, 'img');
      assert.equal(result.count, 1);
      assert.ok(existsSync(nodeScriptPath(services.paths, node)), node);
      assert.equal((await bootOf(services, node))[node], 'img');
    }
    await assert.rejects(setBoot(services, `${longest}e`, 'img'), { code: 'E_NODE_NAME' });
    assert.deepEqual(await leftovers(join(services.paths.bootNodesDir)), []);
  } finally {
    await root.cleanup();
  }
});

test('NFS node add reads node sets strictly and bounded, before any lock', async () => {
  const root = await makeTempRoot();
  try {
    const services = await root.services();
    await assert.rejects(addGoldenNodes(services, 'g1', 'n[1-999999999]'), { code: 'E_NODESET_TOO_LARGE' });
    await assert.rejects(addGoldenNodes(services, 'g1', 'n[-1-2]'), { code: 'E_NODESET_SYNTAX' });
    assert.deepEqual(await leftovers(root.root), []);
  } finally {
    await root.cleanup();
  }
});
