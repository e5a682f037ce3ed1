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
    const keys = await services.overlays.hostKeys('n1');
    const dir = services.paths.nodeHostKeysDir('n1');
    const ed25519 = await readFile(join(dir, 'ssh_host_ed25519_key'));
    await writeFile(join(dir, 'ssh_host_ecdsa_key'), '');
    await run(['rm', join(dir, 'ssh_host_ecdsa_key'), join(dir, 'ssh_host_ecdsa_key.pub')]);
    await mkdir(join(services.paths.overlayKeysDir, '.tmp-n1-killed'));
    const again = await services.overlays.hostKeys('n1');
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
    await assert.rejects(services.overlays.hostKeys('n1'), code('E_OVERLAY_NO_HOST_KEYS'));
    await assert.rejects(services.overlays.hostKeys('n9'), code('E_NODE_NOT_FOUND'));
    assert.throws(() => services.paths.nodeHostKeysDir('../n1'), code('E_NODE_NAME'));
  } finally {
    await root.cleanup();
  }
});
