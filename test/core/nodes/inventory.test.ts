import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { withInventory } from '../../helpers/inventory.js';
import { checkAttributes } from '../../../src/core/nodes/attributes.js';

const code = (expected: string) => (error: Error & { code?: string }) => error.code === expected;

test('a node inherits its profiles in order, its own values win, and each value says where it comes from', async () => {
  await withInventory(async (inventory) => {
    await inventory.addProfile('compute', { image: 'gold', kernelArgs: 'console=ttyS0', vars: { rack: 'a', role: 'compute' } });
    await inventory.addProfile('gpu', { image: 'gold-gpu', vars: { role: 'gpu' } });
    await inventory.addNodes('c[01-03]', { profiles: ['compute', 'gpu'], vars: { rack: 'b' } });
    await inventory.changeNodes('c03', { set: { image: 'test', mac: ['52:54:00:AA:BB:03'] } });
    const [c01, , c03] = await inventory.effectiveNodes();
    assert.deepEqual(c01?.attributes, { image: 'gold-gpu', kernelArgs: 'console=ttyS0', vars: { rack: 'b', role: 'gpu' } });
    assert.deepEqual(c01?.origins, { image: 'profile:gpu', kernelArgs: 'profile:compute', vars: { rack: 'node', role: 'profile:gpu' } });
    assert.equal(c03?.attributes.image, 'test');
    assert.deepEqual(c03?.attributes.mac, ['52:54:00:aa:bb:03'], 'MACs are stored in one form');
    await inventory.changeNodes('c03', { unset: ['image'] });
    assert.equal((await inventory.effectiveNodes('c03'))[0]?.attributes.image, 'gold-gpu', 'an unset value is inherited again');
  });
});

test('a change to a node set is all or nothing: one existing node or unknown profile refuses the whole set and writes nothing', async () => {
  await withInventory(async (inventory, file) => {
    await inventory.addNodes('n[1-3]', {});
    const before = await readFile(file, 'utf8');
    await assert.rejects(inventory.addNodes('n[3-5]', {}), code('E_NODE_EXISTS'));
    await assert.rejects(inventory.addNodes('n[4-5]', { profiles: ['nope'] }), code('E_NODE_UNKNOWN_PROFILE'));
    await assert.rejects(inventory.changeNodes('n[2-4]', { set: { image: 'x' } }), code('E_NODE_NOT_FOUND'));
    await assert.rejects(inventory.addNodes('n[1-2,36-40-44]', {}), code('E_NODESET_SYNTAX'));
    assert.equal(await readFile(file, 'utf8'), before);
  });
});

test('a profile used by nodes is removed only with force, which takes it out of their lists', async () => {
  await withInventory(async (inventory) => {
    await inventory.addProfile('compute', { image: 'gold' });
    await inventory.addNodes('c[1-2]', { profiles: ['compute'] });
    await assert.rejects(inventory.removeProfile('compute'), code('E_PROFILE_IN_USE'));
    assert.deepEqual(await inventory.removeProfile('compute', { force: true }), { nodes: 'c[1-2]', nodeCount: 2 });
    const nodes = await inventory.effectiveNodes();
    assert.deepEqual(nodes.map((node) => node.profiles), [[], []]);
    assert.equal(nodes[0]?.attributes.image, undefined);
  });
});

test('a hand edit with a typo stops the tool with the file, the entry and the nearest key named', async () => {
  await withInventory(async (inventory, file) => {
    await writeFile(file, 'nodes:\n  c1:\n    imgae: gold\n');
    await assert.rejects(inventory.read(), (error: Error & { code?: string }) =>
      error.code === 'E_INVENTORY_INVALID' && error.message.includes(file) && error.message.includes('node c1') && error.message.includes('did you mean image'));
    await writeFile(file, 'nodes:\n  ../etc: {}\n');
    await assert.rejects(inventory.read(), code('E_INVENTORY_INVALID'));
    await writeFile(file, 'a: &a [1]\nnodes: *a\n');
    await assert.rejects(inventory.read(), code('E_INVENTORY_INVALID'));
    await assert.rejects(inventory.addNodes('c2', {}), code('E_INVENTORY_INVALID'), 'no change is written over a damaged file');
  });
});

test('attribute values are checked before they are stored (they end up in boot scripts)', () => {
  assert.throws(() => checkAttributes({ mac: '52:54:00:12:34' }, 'node x', true), code('E_NODE_MAC'));
  assert.throws(() => checkAttributes({ ip: '10.0.0.300' }, 'node x', true), code('E_NODE_IP'));
  assert.throws(() => checkAttributes({ image: '../x' }, 'node x', true), code('E_IMAGE_NAME'));
  assert.throws(() => checkAttributes({ image: 'x@0123456789abc' }, 'node x', true), code('E_IMAGE_VERSION'), 'a bad id is a version problem, as at the name gate');
  assert.throws(() => checkAttributes({ image: '../x@0123456789ab' }, 'node x', true), code('E_IMAGE_NAME'));
  assert.throws(() => checkAttributes({ kernelArgs: 'a\nchain http://evil/' }, 'node x', true), code('E_NODE_KERNEL_ARGS'));
  assert.throws(() => checkAttributes({ vars: { 'a-b': '1' } }, 'node x', true), code('E_NODE_VAR'));
  assert.throws(() => checkAttributes({ profiles: ['a'] }, 'profile p', false), code('E_UNKNOWN_OPTION'));
  assert.deepEqual(checkAttributes({ ip: 'fd00::1', vars: { slot: 3 } }, 'node x', true), { ip: 'fd00::1', vars: { slot: '3' } });
});

test('10,000 nodes round-trip through the file in natural order', async () => {
  await withInventory(async (inventory, file) => {
    await inventory.addProfile('compute', { image: 'gold' });
    assert.deepEqual(await inventory.addNodes('c[00001-10000]', { profiles: ['compute'] }), { nodes: 'c[00001-10000]', nodeCount: 10_000 });
    const nodes = await inventory.effectiveNodes();
    assert.equal(nodes.length, 10_000);
    assert.equal(nodes[9]?.name, 'c00010');
    assert.ok(nodes.every((node) => node.attributes.image === 'gold'));
    assert.match(await readFile(file, 'utf8'), /^# disklessset node inventory/);
  });
});
