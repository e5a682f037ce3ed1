import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { NodeInventory } from '../../../src/core/nodes/inventory.js';
import { withInventory } from '../../helpers/inventory.js';
import { checkServerList, checkServerUrl } from '../../../src/core/nodes/servers.js';
import { addServer, listServers, removeServer } from '../../../src/core/nodes/server-operations.js';
import { cacheFileOf } from '../../../src/core/nodes/inventory-cache.js';

const code = (expected: string) => (error: Error & { code?: string }) => error.code === expected;

test('a server URL is kept in one written form; credentials, queries, fragments and other schemes are refused', () => {
  assert.equal(checkServerUrl('HTTP://Sat1.Example:80/boot/'), 'http://sat1.example/boot');
  assert.equal(checkServerUrl('https://10.0.0.2:8443'), 'https://10.0.0.2:8443');
  assert.equal(checkServerUrl('http://[fd00::2]:8080/'), 'http://[fd00::2]:8080');
  for (const bad of ['ftp://x/', 'http://user:secret@x/', 'http://user@x/', 'http://x/?a=1', 'http://x/#top', 'http://x/?', 'x', '',
    'http://x/a b', 'http://x/$(y)', 'http://x/a,b', `http://x/${'a'.repeat(300)}`, 'file:///etc', 'http://x:0/']) {
    assert.throws(() => checkServerUrl(bad), code('E_SERVER_URL'), bad);
  }
  // The refusal repeats the URL, but never its password: error lines end up in logs.
  assert.throws(() => checkServerUrl('http://admin:s3cret@10.0.0.2/'), (error: Error) => !error.message.includes('s3cret') && error.message.includes('//***@10.0.0.2'));
});

test('servers are stored in nodes.yml; nodes and profiles name them in order and inherit them like other attributes', async () => {
  await withInventory(async (inventory, file) => {
    await addServer(inventory, 'main', 'http://10.0.0.1/');
    await addServer(inventory, 'sat1', 'http://10.0.1.1:8080');
    await inventory.addProfile('rack1', { servers: ['sat1', 'main'] });
    await inventory.addNodes('c[1-3]', { profiles: ['rack1'] });
    await inventory.changeNodes('c3', { set: { servers: ['main'] } });
    const [c1, , c3] = await inventory.effectiveNodes();
    assert.deepEqual(c1?.attributes.servers, ['sat1', 'main'], 'a profile list is inherited in its order');
    assert.equal(c1?.origins.servers, 'profile:rack1');
    assert.deepEqual(c3?.attributes.servers, ['main'], 'a node list replaces the profile list');
    const text = await readFile(file, 'utf8');
    assert.match(text, /\nservers:\n {2}main:\n {4}url: http:\/\/10\.0\.0\.1\n {2}sat1:\n {4}url: http:\/\/10\.0\.1\.1:8080\n/);
    // Read again without the JSON copy: the YAML says the same.
    await rm(cacheFileOf(file));
    const fresh = new NodeInventory(file);
    assert.deepEqual((await listServers(fresh)).map((s) => [s.name, s.url, s.nodes, s.profiles]),
      // Nodes count by the list they fetch from: c1 and c2 through rack1, c3 its own.
      [['main', 'http://10.0.0.1', 'c[1-3]', ['rack1']], ['sat1', 'http://10.0.1.1:8080', 'c[1-2]', ['rack1']]]);
  });
});

test('an inventory without servers keeps its text: no servers key is written', async () => {
  await withInventory(async (inventory, file) => {
    await inventory.addNodes('n1', { image: 'gold' });
    assert.doesNotMatch(await readFile(file, 'utf8'), /servers/);
  });
});

test('unknown server names, taken names and bad names are refused and change nothing', async () => {
  await withInventory(async (inventory, file) => {
    await addServer(inventory, 'main', 'http://10.0.0.1');
    await inventory.addNodes('n[1-2]', {});
    const before = await readFile(file, 'utf8');
    await assert.rejects(inventory.changeNodes('n1', { set: { servers: ['main', 'nope'] } }), code('E_NODE_UNKNOWN_SERVER'));
    await assert.rejects(inventory.addProfile('p', { servers: ['nope'] }), code('E_NODE_UNKNOWN_SERVER'));
    await assert.rejects(addServer(inventory, 'main', 'http://10.0.0.9'), code('E_SERVER_EXISTS'));
    await assert.rejects(addServer(inventory, '../x', 'http://10.0.0.9'), code('E_SERVER_NAME'));
    await assert.rejects(addServer(inventory, 'x', 'http://u:p@10.0.0.9'), code('E_SERVER_URL'));
    assert.equal(await readFile(file, 'utf8'), before);
  });
});

test('removing a server that nodes or profiles name is refused without force; with force it leaves their lists', async () => {
  await withInventory(async (inventory, file) => {
    await addServer(inventory, 'main', 'http://10.0.0.1');
    await addServer(inventory, 'sat1', 'http://10.0.1.1');
    await inventory.addProfile('p', { servers: ['sat1'] });
    await inventory.addNodes('n[1-2]', { servers: ['sat1', 'main'] });
    const before = await readFile(file, 'utf8');
    await assert.rejects(removeServer(inventory, 'sat1'), (error: Error & { code?: string }) =>
      error.code === 'E_SERVER_IN_USE' && /n\[1-2\] \(2 nodes\) and profile p/.test(error.message));
    assert.equal(await readFile(file, 'utf8'), before);
    await assert.rejects(removeServer(inventory, 'gone'), code('E_SERVER_NOT_FOUND'));
    assert.deepEqual(await removeServer(inventory, 'sat1', { force: true }), { name: 'sat1', nodes: 'n[1-2]', nodeCount: 2, profiles: ['p'] });
    const [n1] = await inventory.effectiveNodes('n1');
    assert.deepEqual(n1?.attributes.servers, ['main']);
    assert.deepEqual((await inventory.read()).profiles.p, {}, 'an emptied list is left out');
    await removeServer(inventory, 'main', { force: true });
    assert.doesNotMatch(await readFile(file, 'utf8'), /servers/, 'the last server removed leaves no servers key');
  });
});

test('a hand edit naming an invalid server URL or name is refused when the file is read', async () => {
  await withInventory(async (inventory, file) => {
    await writeFile(file, 'nodes: {}\nservers:\n  main:\n    url: http://admin:pw@10.0.0.1\n');
    await assert.rejects(inventory.read(), (error: Error & { code?: string }) => error.code === 'E_INVENTORY_INVALID' && /user name or password/.test(error.message));
    await writeFile(file, 'nodes:\n  n1:\n    servers: ["a b"]\n');
    await assert.rejects(inventory.read(), code('E_INVENTORY_INVALID'));
  });
});

test('a server list names each server once, with no empty name; clearing it is --unset-servers', () => {
  assert.deepEqual(checkServerList('sat1, main', 'node c1'), ['sat1', 'main']);
  assert.deepEqual(checkServerList(['sat1', 'main'], 'node c1'), ['sat1', 'main']);
  for (const bad of ['', ',,', 'main,', ',main', 'main,,sat1']) {
    assert.throws(() => checkServerList(bad, 'node c1'), (error: Error & { code?: string; hint?: string }) =>
      error.code === 'E_SERVER_NAME' && /empty name/.test(error.message) && /--unset-servers/.test(error.hint ?? ''), JSON.stringify(bad));
  }
  for (const twice of ['main,main', ['sat1', 'main', 'sat1']]) {
    assert.throws(() => checkServerList(twice, 'node c1'), code('E_SERVER_NAME'), JSON.stringify(twice));
  }
  // The list rides on the kernel command line (2,048 bytes on x86): four servers at most.
  assert.deepEqual(checkServerList('s1,s2,s3,s4', 'node c1'), ['s1', 's2', 's3', 's4']);
  assert.throws(() => checkServerList('s1,s2,s3,s4,s5', 'node c1'), (error: Error & { code?: string }) =>
    error.code === 'E_SERVER_NAME' && /5 servers; at most 4 fit on a kernel command line/.test(error.message));
});

test('a server removed by a hand edit blocks only changes to the lists naming it, and the refusal says which', async () => {
  await withInventory(async (inventory, file) => {
    await addServer(inventory, 'main', 'http://10.0.0.1');
    await addServer(inventory, 'gone', 'http://10.0.0.2');
    await inventory.addNodes('n[1-2]', { servers: ['gone'] });
    await inventory.addNodes('n3', {});
    // The admin deletes the server's entry from nodes.yml by hand; n1 and n2 still name it.
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.replace(/\n {2}gone:\n {4}url: http:\/\/10\.0\.0\.2/, ''));
    await inventory.changeNodes('n3', { set: { kernelArgs: 'quiet' } });
    await addServer(inventory, 'sat1', 'http://10.0.1.1');
    await inventory.changeNodes('n1', { set: { servers: ['main'] } });
    await assert.rejects(inventory.changeNodes('n3', { set: { servers: ['gone'] } }), (error: Error & { code?: string }) =>
      error.code === 'E_NODE_UNKNOWN_SERVER' && /no boot server named gone \(in the list of node n3\)/.test(error.message));
    const [, n2, n3] = await inventory.effectiveNodes();
    assert.deepEqual(n2?.attributes.servers, ['gone'], 'the dangling list is left for the admin to fix');
    assert.equal(n3?.attributes.kernelArgs, 'quiet');
  });
});

test('a server list given as data holds names only: null, numbers and objects are refused as such', () => {
  for (const bad of [[null], [1], ['main', { name: 'x' }]]) {
    assert.throws(() => checkServerList(bad, 'node c1'), (error: Error & { code?: string }) =>
      error.code === 'E_SERVER_NAME' && /must be a list of server names/.test(error.message), JSON.stringify(bad));
  }
});
