/**
 * The default dracut module set of `kernel initramfs`: a tree without
 * NetworkManager (Debian) gets `network-legacy`, since dracut would otherwise
 * pick systemd-networkd, with which livenet cannot fetch its image; and
 * `kernel-modules` is always asked for, or `-m` drops Debian's virtio_pci.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dracutArguments, prefersLegacyNetwork } from '../../src/system/dracut.js';

const DEBIAN_MODULES = new Set(['network', 'base', 'nfs', 'ifcfg', 'livenet', 'systemd', 'systemd-initrd', 'dracut-systemd',
  'dmsquash-live', 'kernel-modules', 'network-legacy', 'systemd-networkd', 'network-manager']);

test('dracut defaults: network-legacy is added for a tree without NetworkManager, not for one with it', async () => {
  const tree = await mkdtemp(join(tmpdir(), 'disklessset-dracut-'));
  try {
    assert.equal(await prefersLegacyNetwork(tree, DEBIAN_MODULES), true);
    for (const profile of ['node', 'full'] as const) {
      const { args } = dracutArguments('6.1.0-56-amd64', '/out.img', DEBIAN_MODULES, { legacyNetwork: true, profile });
      const modules = args.indexOf('-m');
      assert.deepEqual(args.slice(modules, modules + 4), ['-m', 'network base nfs', '--add',
        'ifcfg livenet systemd systemd-initrd dracut-systemd dmsquash-live kernel-modules network-legacy'], profile);
    }

    await mkdir(join(tree, 'usr', 'sbin'), { recursive: true });
    await writeFile(join(tree, 'usr', 'sbin', 'NetworkManager'), '');
    assert.equal(await prefersLegacyNetwork(tree, DEBIAN_MODULES), false);
    assert.doesNotMatch(dracutArguments('6.1.0-56-amd64', '/out.img', DEBIAN_MODULES).args.join(' '), /network-legacy/);
  } finally {
    await rm(tree, { recursive: true, force: true });
  }
});

test('dracut defaults: network-legacy is not asked for when the dracut in the tree lacks it', async () => {
  const withoutLegacy = new Set([...DEBIAN_MODULES].filter((name) => name !== 'network-legacy'));
  assert.equal(await prefersLegacyNetwork('/nonexistent-tree', withoutLegacy), false);
  assert.doesNotMatch(dracutArguments('6', '/o', withoutLegacy, { legacyNetwork: true }).args.join(' '), /network-legacy/);
});
