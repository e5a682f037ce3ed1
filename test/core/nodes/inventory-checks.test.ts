import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { withInventory } from '../../helpers/inventory.js';
import { checkAttributes } from '../../../src/core/nodes/attributes.js';

const refusedWith = (code: string, ...names: string[]) => (error: Error & { code?: string; kind?: string }) =>
  error.code === code && error.kind === 'usage' && names.every((name) => error.message.includes(name));

test('one MAC and one IP per node: a duplicate across nodes is refused naming both, and nothing is written', async () => {
  await withInventory(async (inventory, file) => {
    await inventory.addNodes('n1', { mac: ['52:54:00:00:00:01'], ip: '10.0.0.1' });
    await inventory.addNodes('n2', {});
    await inventory.addProfile('shared', { ip: '10.0.0.9' });
    const before = await readFile(file, 'utf8');
    await assert.rejects(inventory.addNodes('n3', { mac: ['52:54:00:00:00:01'] }), refusedWith('E_NODE_MAC_DUPLICATE', 'n1', 'n3'));
    await assert.rejects(inventory.changeNodes('n2', { set: { ip: '10.0.0.1' } }), refusedWith('E_NODE_IP_DUPLICATE', 'n1', 'n2'));
    await assert.rejects(inventory.addNodes('n[4-5]', { ip: '10.0.0.5' }), refusedWith('E_NODE_IP_DUPLICATE', 'n4', 'n5'));
    await assert.rejects(inventory.addNodes('n[6-7]', { profiles: ['shared'] }), refusedWith('E_NODE_IP_DUPLICATE', 'n6', 'n7'), 'a profile ip reaching two nodes');
    assert.equal(await readFile(file, 'utf8'), before);
    await inventory.changeNodes('n1', { unset: ['mac'] });
    await inventory.addNodes('n3', { mac: ['52:54:00:00:00:01'] });
  });
});

test('setting and removing one attribute in one change is refused as contradictory; unknown profiles are bad input listing the known ones', async () => {
  await withInventory(async (inventory, file) => {
    await inventory.addProfile('compute', {});
    await inventory.addNodes('n1', { image: 'a' });
    const before = await readFile(file, 'utf8');
    await assert.rejects(inventory.changeNodes('n1', { set: { image: 'b' }, unset: ['image'] }), refusedWith('E_NODE_CONTRADICTION', 'image'));
    await assert.rejects(inventory.changeNodes('n1', { vars: { rack: 'a' }, unsetVars: ['rack'] }), refusedWith('E_NODE_CONTRADICTION', 'vars.rack'));
    await assert.rejects(inventory.changeProfile('compute', { set: { ip: '10.0.0.2' }, unset: ['ip'] }), refusedWith('E_NODE_CONTRADICTION', 'ip'));
    await assert.rejects(inventory.changeNodes('n1', { profiles: ['gpu'] }), (error: Error & { code?: string; hint?: string }) =>
      error.code === 'E_NODE_UNKNOWN_PROFILE' && /profiles: compute/.test(error.hint ?? ''));
    assert.equal(await readFile(file, 'utf8'), before);
  });
});

test('MAC and IP syntax: one separator, no group or null MAC, no zone, loopback, multicast or unspecified IP', () => {
  for (const mac of ['52:54-00:00:00:01', '01:00:5e:00:00:01', 'ff:ff:ff:ff:ff:ff', '00:00:00:00:00:00', '52:54:00:00:00', '52:54:00:00:00:0g']) {
    assert.throws(() => checkAttributes({ mac }, 'test', true), refusedWith('E_NODE_MAC'), mac);
  }
  for (const ip of ['fe80::1%eth0', '0.0.0.0', '::', '::1', '127.0.0.1', '224.0.0.1', '255.255.255.255', 'ff02::1', '010.0.0.1', '10.0.0']) {
    assert.throws(() => checkAttributes({ ip }, 'test', true), refusedWith('E_NODE_IP'), ip);
  }
  assert.deepEqual(checkAttributes({ mac: ['52-54-00-AA-BB-01'], ip: 'fd00::10' }, 'test', true), { mac: ['52:54:00:aa:bb:01'], ip: 'fd00::10' });
});

test('a node named like another node\'s MAC script is refused both ways, naming both, and nothing is written', async () => {
  await withInventory(async (inventory, file) => {
    await inventory.addProfile('rack', {});
    await inventory.addNodes('n1', { mac: ['52:54:00:00:00:04'], image: 'a' });
    await inventory.addNodes('52-54-00-00-00-07', {});
    const before = await readFile(file, 'utf8');
    await assert.rejects(inventory.addNodes('52-54-00-00-00-04', { image: 'b' }), refusedWith('E_NODE_MAC_NAME_CLASH', '52-54-00-00-00-04', 'n1'));
    await assert.rejects(inventory.changeNodes('n1', { set: { mac: ['52-54-00-00-00-07'] } }), refusedWith('E_NODE_MAC_NAME_CLASH', '52-54-00-00-00-07', 'n1'));
    await assert.rejects(inventory.changeProfile('rack', { set: { mac: ['52:54:00:00:00:07'] } }).then(() => inventory.changeNodes('n1', { profiles: ['rack'], unset: ['mac'] })),
      refusedWith('E_NODE_MAC_NAME_CLASH', '52-54-00-00-00-07', 'n1'), 'a MAC inherited from a profile');
    await inventory.changeProfile('rack', { unset: ['mac'] });
    assert.equal(await readFile(file, 'utf8'), before);
    await inventory.changeNodes('52-54-00-00-00-07', { set: { mac: ['52:54:00:00:00:07'] } });
  });
});

test('a reserved variable name is refused however it comes in: a parsed JSON body, a change, a hand-edited file', async () => {
  const raw = JSON.parse('{"vars": {"__proto__": "x", "rack": "a"}}') as unknown;
  assert.throws(() => checkAttributes(raw, 'the request body', true), refusedWith('E_NODE_VAR', '__proto__', 'reserved name'));
  await withInventory(async (inventory, file) => {
    await inventory.addNodes('n1', {});
    await assert.rejects(inventory.changeNodes('n1', { vars: JSON.parse('{"__proto__": "x"}') as Record<string, string> }), refusedWith('E_NODE_VAR', 'reserved name'));
    await writeFile(file, 'nodes:\n  n1:\n    vars:\n      __proto__: x\n');
    await assert.rejects(inventory.read(), (error: Error & { code?: string }) => error.code === 'E_INVENTORY_INVALID' && /__proto__.*reserved name/.test(error.message));
  });
});

test('IP addresses are stored in one canonical form, so two spellings of one address are a duplicate; an IPv4-mapped address is its IPv4 address', async () => {
  for (const ip of ['2001:0db8:0::1', '2001:DB8:0:0:0:0:0:1', '2001:db8::1']) assert.equal(checkAttributes({ ip }, 'test', true).ip, '2001:db8::1', ip);
  assert.equal(checkAttributes({ ip: '::ffff:10.0.0.4' }, 'test', true).ip, '10.0.0.4');
  assert.equal(checkAttributes({ ip: '::FFFF:a00:4' }, 'test', true).ip, '10.0.0.4');
  assert.throws(() => checkAttributes({ ip: '::ffff:127.0.0.1' }, 'test', true), refusedWith('E_NODE_IP', 'loopback'), 'the mapped address is checked as IPv4');
  assert.throws(() => checkAttributes({ ip: 'FF02::1' }, 'test', true), refusedWith('E_NODE_IP', 'multicast'));
  await withInventory(async (inventory, file) => {
    await inventory.addNodes('n1', { ip: '2001:db8::1' });
    await inventory.addNodes('n2', checkAttributes({ ip: '::ffff:10.0.0.4' }, 'test', true));
    assert.match(await readFile(file, 'utf8'), /ip: 10\.0\.0\.4\n/);
    const before = await readFile(file, 'utf8');
    await assert.rejects(inventory.addNodes('n3', checkAttributes({ ip: '2001:0DB8:0:0::1' }, 'test', true)), refusedWith('E_NODE_IP_DUPLICATE', 'n1', 'n3'));
    await assert.rejects(inventory.addNodes('n3', checkAttributes({ ip: '10.0.0.4' }, 'test', true)), refusedWith('E_NODE_IP_DUPLICATE', 'n2', 'n3'));
    assert.equal(await readFile(file, 'utf8'), before);
    await writeFile(file, 'nodes:\n  n1:\n    ip: 2001:0DB8::0:1\n');
    assert.equal((await inventory.read()).nodes.n1?.ip, '2001:db8::1', 'a hand edit is read in the canonical form');
  });
});

test('node names differing only in case are refused from every change, within one node set too, and a hand-edited pair makes the file invalid', async () => {
  await withInventory(async (inventory, file) => {
    await inventory.addNodes('c001', {});
    const before = await readFile(file, 'utf8');
    await assert.rejects(inventory.addNodes('C001', {}), refusedWith('E_NODE_NAME_CASE', 'C001', 'c001'));
    await assert.rejects(inventory.addNodes('n[1-2],N2', {}), refusedWith('E_NODE_NAME_CASE', 'n2', 'N2'));
    await assert.rejects(inventory.update((document) => { document.nodes.C001 = {}; }), refusedWith('E_NODE_NAME_CASE', 'C001'), 'a library change (imports, boot set) as well');
    assert.equal(await readFile(file, 'utf8'), before, 'nothing written');
    await inventory.addNodes('c002', {});

    await writeFile(file, `${before}  C001: {}\n`);
    await assert.rejects(inventory.read(), (error: Error & { code?: string }) =>
      error.code === 'E_INVENTORY_INVALID' && /nodes c001 and C001 differ only in case/.test(error.message));
  });
});

test('a new node named like an image version\'s file (its script or overlay archive would be served as immutable) is refused, and nothing is written', async () => {
  await withInventory(async (inventory, file) => {
    await inventory.addNodes('n1', {});
    const before = await readFile(file, 'utf8');
    await assert.rejects(inventory.addNodes('boot-0123456789ab', {}), refusedWith('E_NODE_NAME_RESERVED', 'boot-0123456789ab'), 'nodes/boot-<id>.ipxe');
    await assert.rejects(inventory.addNodes('squashfs-0123456789ab', {}), refusedWith('E_NODE_NAME_RESERVED', 'squashfs-0123456789ab'), 'overlays/squashfs-<id>.img');
    await assert.rejects(inventory.addNodes('n2,boot-aaaaaaaaaaaa', {}), refusedWith('E_NODE_NAME_RESERVED', 'boot-aaaaaaaaaaaa'), 'the whole set is refused');
    assert.equal(await readFile(file, 'utf8'), before);
    // Near misses are ordinary names.
    await inventory.addNodes('boot-0123456789a,squashfs-0123456789abc,boot-01', {});
  });
});
