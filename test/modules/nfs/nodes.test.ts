import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempRoot } from '../../helpers/temp-root.js';
import { addGoldenNodes, listGoldenNodes, removeGoldenNodes } from '../../../src/modules/nfs/golden-nodes.js';
import { entries, golden, rootWithStaging } from '../../helpers/nfs-trees.js';

test('each node gets its own writable tree: a write is seen by no other node nor the image', async () => {
  const { temp, services } = await rootWithStaging();
  try {
    await services.images.create('NfsGoldenImage', 'gold', { from: 'stage1' });
    const added = await addGoldenNodes(services, 'gold', 'n[1-3]');
    assert.deepEqual(added.added, ['n1', 'n2', 'n3']);
    const image = await golden(services, 'gold');
    await writeFile(join(image.nodeTree('n1'), 'etc/hostname'), 'n1\n');
    await writeFile(join(image.nodeTree('n1'), 'var/log/boot.log'), 'booted\n');
    await writeFile(join(image.nodeTree('n2'), 'usr/bin/data.bin'), 'changed on n2');
    assert.equal(await readFile(join(image.nodeTree('n2'), 'etc/hostname'), 'utf8'), 'template\n');
    assert.equal(await readFile(join(image.imageTree, 'etc/hostname'), 'utf8'), 'template\n');
    assert.ok(!existsSync(join(image.nodeTree('n3'), 'var/log/boot.log')));
    assert.equal((await readFile(join(image.nodeTree('n1'), 'usr/bin/data.bin'))).length, 256 * 1024);
    assert.equal((await readFile(join(image.imageTree, 'usr/bin/data.bin'))).length, 256 * 1024);
    // The hard link inside one tree still points at that tree's own file.
    assert.equal(await readFile(join(image.nodeTree('n2'), 'usr/bin/tool-alias'), 'utf8'), '#!/bin/sh\necho tool\n');
  } finally {
    await temp.cleanup();
  }
});

test('node lists are folded after additions and removals; removal deletes only those trees', async () => {
  const { temp, services } = await rootWithStaging();
  try {
    await services.images.create('NfsGoldenImage', 'gold', { from: 'stage1' });
    await addGoldenNodes(services, 'gold', 'node[01-10]');
    const again = await addGoldenNodes(services, 'gold', 'node[09-12],login1');
    assert.deepEqual(again.added.sort(), ['login1', 'node11', 'node12']);
    assert.deepEqual(again.present, ['node09', 'node10']);
    assert.equal((await listGoldenNodes(services, 'gold')).nodes, 'login1,node[01-12]');
    const image = await golden(services, 'gold');
    await writeFile(join(image.nodeTree('node04'), 'etc/marker'), 'keep me');
    const removed = await removeGoldenNodes(services, 'gold', 'node[05-08,20],login1');
    assert.deepEqual(removed.removed.sort(), ['login1', 'node05', 'node06', 'node07', 'node08']);
    assert.deepEqual(removed.absent, ['node20']);
    const listing = await listGoldenNodes(services, 'gold');
    assert.equal(listing.nodes, 'node[01-04,09-12]');
    assert.equal(listing.count, 8);
    assert.deepEqual(await entries(image.nodesDir), ['node01', 'node02', 'node03', 'node04', 'node09', 'node10', 'node11', 'node12']);
    assert.equal(await readFile(join(image.nodeTree('node04'), 'etc/marker'), 'utf8'), 'keep me');
    assert.ok(existsSync(image.imageTree));
    assert.equal((await golden(services, 'gold')).data.nodes, 'node[01-04,09-12]');
    assert.equal(listing.trees.find((t) => t.node === 'node09')?.nfs_path, '/diskless/images/nfsimages/golden/gold/nodes/node09');
  } finally {
    await temp.cleanup();
  }
});

test('invalid node sets and names are refused before anything is copied', async () => {
  const { temp, services } = await rootWithStaging();
  try {
    await services.images.create('NfsGoldenImage', 'gold', { from: 'stage1' });
    await assert.rejects(addGoldenNodes(services, 'gold', 'n[1-'), { kind: 'usage' });
    await assert.rejects(addGoldenNodes(services, 'gold', ''), { code: 'E_NODESET_EMPTY' });
    await assert.rejects(addGoldenNodes(services, 'gold', '.hidden'), { code: 'E_NODE_NAME' });
    await assert.rejects(addGoldenNodes(services, 'stage1', 'n1'), { code: 'E_NOT_GOLDEN' });
    assert.deepEqual(await entries((await golden(services, 'gold')).nodesDir), []);
  } finally {
    await temp.cleanup();
  }
});

test('a golden image made by the original tool loads, lists its nodes and accepts new ones', async () => {
  const temp = await makeTempRoot('legacy-v1-root');
  try {
    const services = await temp.services();
    assert.equal((await listGoldenNodes(services, 'compute_golden')).nodes, 'c[001-003]');
    const result = await addGoldenNodes(services, 'compute_golden', 'c[004-005]');
    assert.deepEqual(result.added, ['c004', 'c005']);
    assert.equal(result.nodes, 'c[001-005]');
    const image = await golden(services, 'compute_golden');
    assert.equal(await readFile(join(image.nodeTree('c005'), 'etc/os-release'), 'utf8'),
      await readFile(join(image.imageTree, 'etc/os-release'), 'utf8'));
    await removeGoldenNodes(services, 'compute_golden', 'c002');
    assert.equal((await listGoldenNodes(services, 'compute_golden')).nodes, 'c[001,003-005]');
    // The data keeps the original's keys and gains a boot file once rewritten.
    assert.equal(image.data.password?.toString().startsWith('$6$'), true);
    await image.writeBootFile();
    assert.match(await readFile(join(image.imageDirectory, 'boot.ipxe'), 'utf8'), /golden\/compute_golden\/nodes\/\$\{hostname\},vers=4\.2,rw/);
    await services.images.remove('compute_golden');
    assert.ok(!existsSync(join(services.paths.goldenDir, 'compute_golden')));
  } finally {
    await temp.cleanup();
  }
});
