import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempRoot } from '../../helpers/temp-root.js';
import { run } from '../../../src/system/runner.js';

const code = (expected: string) => (error: Error & { code?: string }) => error.code === expected;

test('SSH host keys are made once per node, kept private in the state folder, and the same at every render', async () => {
  const root = await makeTempRoot();
  try {
    const services = await root.services();
    await services.inventory.addNodes('n[1-2]', { overlays: ['hostname', 'ssh-host-keys'] });
    const first = await services.overlays.renderNode('n1');
    const second = await services.overlays.renderNode('n1');
    const keyFiles = (r: typeof first) => r.entries.filter((e) => e.path.startsWith('/etc/ssh/ssh_host_'));
    assert.deepEqual(keyFiles(first).map((e) => e.path), [
      '/etc/ssh/ssh_host_ecdsa_key', '/etc/ssh/ssh_host_ecdsa_key.pub', '/etc/ssh/ssh_host_ed25519_key', '/etc/ssh/ssh_host_ed25519_key.pub']);
    assert.deepEqual(keyFiles(second).map((e) => e.data), keyFiles(first).map((e) => e.data), 'the same keys at the second render');
    assert.equal(second.inputDigest, first.inputDigest);
    for (const entry of keyFiles(first)) {
      const isPrivate = !entry.path.endsWith('.pub');
      assert.equal(entry.secret, isPrivate, `${entry.path}: only private keys are secret`);
      assert.equal(entry.mode, isPrivate ? 0o600 : 0o644);
    }
    assert.equal(first.secret, true);

    const dir = services.paths.nodeHostKeysDir('n1');
    assert.equal((await stat(services.paths.overlayKeysDir)).mode & 0o777, 0o700);
    assert.equal((await stat(dir)).mode & 0o777, 0o700);
    for (const name of await readdir(dir)) assert.equal((await stat(join(dir, name))).mode & 0o777, 0o600, name);
    const stored = await readFile(join(dir, 'ssh_host_ed25519_key'));
    assert.deepEqual(first.entries.find((e) => e.path === '/etc/ssh/ssh_host_ed25519_key')?.data, stored);
    assert.match(stored.toString(), /BEGIN OPENSSH PRIVATE KEY/);
    assert.deepEqual((await readdir(services.paths.overlayKeysDir)).sort(), ['n1'], 'no scratch folder left; n2 not rendered, no keys');

    const other = await services.overlays.renderNode('n2');
    assert.notDeepEqual(keyFiles(other)[0]?.data, keyFiles(first)[0]?.data, 'each node its own keys');
  } finally {
    await root.cleanup();
  }
});

test('a missing key type is made again without changing the others; a killed generation\'s scratch folder is removed', async () => {
  const root = await makeTempRoot();
  try {
    const services = await root.services();
    await services.inventory.addNodes('n1', { overlays: ['ssh-host-keys'] });
    const keys = await services.overlays.hostKeys(['n1']).then((keys) => keys.get('n1') ?? []);
    const dir = services.paths.nodeHostKeysDir('n1');
    const ed25519 = await readFile(join(dir, 'ssh_host_ed25519_key'));
    await writeFile(join(dir, 'ssh_host_ecdsa_key'), '');
    await run(['rm', join(dir, 'ssh_host_ecdsa_key'), join(dir, 'ssh_host_ecdsa_key.pub')]);
    await mkdir(join(services.paths.overlayKeysDir, '.tmp-n1-killed'));
    const again = await services.overlays.hostKeys(['n1']).then((keys) => keys.get('n1') ?? []);
    assert.deepEqual(await readFile(join(dir, 'ssh_host_ed25519_key')), ed25519);
    assert.notEqual(again.find((k) => k.type === 'ecdsa')?.publicKey, keys.find((k) => k.type === 'ecdsa')?.publicKey);
    assert.deepEqual(await readdir(services.paths.overlayKeysDir), ['n1']);
  } finally {
    await root.cleanup();
  }
});

test('host keys are only given to a node that gets the ssh-host-keys overlay, and never for a node name that is not one', async () => {
  const root = await makeTempRoot();
  try {
    const services = await root.services();
    await services.inventory.addNodes('n1', {});
    await assert.rejects(services.overlays.hostKeys(['n1']).then((keys) => keys.get('n1') ?? []), code('E_OVERLAY_NO_HOST_KEYS'));
    await assert.rejects(services.overlays.hostKeys(['n9']), code('E_NODE_NOT_FOUND'));
    assert.throws(() => services.paths.nodeHostKeysDir('../n1'), code('E_NODE_NAME'));
  } finally {
    await root.cleanup();
  }
});

test('removing a node removes its host keys; a removal killed half-way is finished by the next command', async () => {
  const root = await makeTempRoot();
  try {
    const services = await root.services();
    await services.images.create('DemoImage', 'alpha', { message: 'hello' });
    assert.equal((await root.cli(['node', 'add', 'n[1-3]', '--image', 'alpha', '--overlay', 'ssh-host-keys'])).exitCode, 0);
    const keysDir = services.paths.overlayKeysDir;
    assert.deepEqual((await readdir(keysDir)).sort(), ['n1', 'n2', 'n3'], 'made by the publication of the archives');
    const n1 = (await services.overlays.hostKeys(['n1'])).get('n1')?.[0]?.publicKey;
    assert.equal((await root.cli(['node', 'remove', 'n1'])).exitCode, 0);
    assert.deepEqual((await readdir(keysDir)).sort(), ['n2', 'n3']);
    // The same name added again is another machine: new keys, never the removed node's.
    assert.equal((await root.cli(['node', 'add', 'n1', '--image', 'alpha', '--overlay', 'ssh-host-keys'])).exitCode, 0);
    assert.notEqual((await services.overlays.hostKeys(['n1'])).get('n1')?.[0]?.publicKey, n1);

    // `node remove n3` killed after nodes.yml was written and the keys' folder renamed away: the next command finishes it.
    await run(['mv', join(keysDir, 'n3'), join(keysDir, '.tmp-n3-remove')]);
    const text = await readFile(services.paths.inventoryFile, 'utf8');
    await writeFile(services.paths.inventoryFile, text.replace(/ {2}n3:\n(?: {4}.*\n| {6}.*\n)*/, ''));
    assert.equal((await root.cli(['boot', 'list'])).exitCode, 0);
    assert.deepEqual((await readdir(keysDir)).sort(), ['n1', 'n2']);
    assert.equal((await readdir(keysDir)).some((name) => name.startsWith('.tmp-')), false, 'no leftover holding old private keys');
  } finally {
    await root.cleanup();
  }
});

test('node ssh-keys --rotate makes new keys for the nodes of a set, publishes them, and keeps the other nodes\' keys', async () => {
  const root = await makeTempRoot();
  try {
    const services = await root.services();
    await services.images.create('DemoImage', 'alpha', { message: 'hello' });
    assert.equal((await root.cli(['node', 'add', 'n[1-3]', '--image', 'alpha', '--overlay', 'hostname', '--overlay', 'ssh-host-keys'])).exitCode, 0);
    const before = await root.cli(['node', 'ssh-keys', 'n[1-3]']);
    assert.equal(before.exitCode, 0, before.stderr);
    assert.equal(before.stdout.trim().split('\n').length, 6, 'two keys per node');
    const rotated = await root.cli(['node', 'ssh-keys', 'n[1-2]', '--rotate']);
    assert.equal(rotated.exitCode, 0, rotated.stderr);
    const after = await root.cli(['node', 'ssh-keys', 'n[1-3]']);
    const lines = (text: string, node: string) => text.split('\n').filter((line) => line.startsWith(`${node} `));
    assert.equal(rotated.stdout, `${[...lines(after.stdout, 'n1'), ...lines(after.stdout, 'n2')].join('\n')}\n`, 'prints the new keys');
    for (const node of ['n1', 'n2']) for (const line of lines(after.stdout, node)) assert.ok(!before.stdout.includes(line), `${node}: new key`);
    assert.deepEqual(lines(after.stdout, 'n3'), lines(before.stdout, 'n3'));
    // The archive served to n1 holds the new private key.
    const { overlayArchivePath } = await import('../../../src/boot/boot-paths.js');
    const { gunzipSync } = await import('node:zlib');
    const archive = gunzipSync(await readFile(overlayArchivePath(services.paths, 'n1'))).toString('latin1');
    const newKey = (await readFile(join(services.paths.nodeHostKeysDir('n1'), 'ssh_host_ed25519_key'))).toString('latin1');
    assert.ok(archive.includes(newKey));
    assert.equal((await readdir(services.paths.overlayKeysDir)).some((name) => name.startsWith('.tmp-')), false);

    // A set naming nodes that do not exist, or that get no host keys, is refused whole: one line, no key made.
    const missing = await root.cli(['node', 'ssh-keys', 'c[001-002]', '--rotate']);
    assert.equal(missing.exitCode, 1);
    assert.match(missing.stderr, /^disklessset: c\[001-002\] not in the inventory; see `disklessset node list`\n$/);
    assert.equal((await root.cli(['node', 'add', 'n4'])).exitCode, 0);
    const without = await root.cli(['node', 'ssh-keys', 'n[3-4]', '--rotate']);
    assert.equal(without.exitCode, 2);
    assert.match(without.stderr, /^disklessset: node n4 does not get the ssh-host-keys overlay; [^\n]*\n$/);
    assert.deepEqual(lines((await root.cli(['node', 'ssh-keys', 'n3'])).stdout, 'n3'), lines(before.stdout, 'n3'));
  } finally {
    await root.cleanup();
  }
});

test('a rotation killed between its two renames leaves no key under the node\'s name: the next render makes new ones and removes the old', async () => {
  const root = await makeTempRoot();
  try {
    const services = await root.services();
    await services.inventory.addNodes('n1', { overlays: ['ssh-host-keys'] });
    const old = (await services.overlays.hostKeys(['n1'])).get('n1')?.[0]?.publicKey;
    await run(['mv', services.paths.nodeHostKeysDir('n1'), join(services.paths.overlayKeysDir, '.tmp-n1-oldkey')]);
    const fresh = (await services.overlays.hostKeys(['n1'])).get('n1')?.[0]?.publicKey;
    assert.notEqual(fresh, old);
    assert.deepEqual(await readdir(services.paths.overlayKeysDir), ['n1']);
  } finally {
    await root.cleanup();
  }
});
