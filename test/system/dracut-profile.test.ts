/**
 * The dracut call of each profile of `kernel initramfs`: the default `node`
 * profile names its drivers and compresses with zstd; `--full` is the
 * original's every-driver xz call. Arguments only; the real builds are in
 * test/e2e/product-boot.test.ts and bench/initramfs.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dracutArguments } from '../../src/system/dracut.js';
import { NODE_NETWORK_DRIVERS, NODE_OMITTED_DRIVERS, NODE_OTHER_DRIVERS, profileArguments } from '../../src/system/dracut-profile.js';

const DEBIAN_MODULES = new Set(['network', 'base', 'nfs', 'livenet', 'systemd', 'systemd-initrd', 'dracut-systemd',
  'dmsquash-live', 'kernel-modules', 'network-legacy']);

/** The value after `option` in `args`, split into names. */
function namesOf(args: string[], option: string): string[] {
  const at = args.indexOf(option);
  assert.ok(at >= 0, `${option} is in ${args.join(' ')}`);
  return (args[at + 1] ?? '').split(' ');
}

test('the default initramfs names the drivers a diskless node needs and compresses with zstd', () => {
  const { args } = dracutArguments('6.1.0-57-amd64', '/out.img', DEBIAN_MODULES, { legacyNetwork: true, overlayModule: true });
  assert.match(namesOf(args, '--compress').join(' '), /^zstd -\d+ /);
  assert.equal(args.includes('--xz'), false);
  const drivers = namesOf(args, '--drivers');
  for (const needed of ['virtio_net', 'virtio_pci', 'e1000', 'e1000e', 'igb', 'ixgbe', 'i40e', 'ice', 'mlx5_core', 'bnxt_en', 'tg3',
    'squashfs', 'overlay', 'loop', 'ext4', 'xfs', 'nfs', 'nfsv4']) {
    assert.ok(drivers.includes(needed), `the node initramfs has ${needed}`);
  }
  // dmsquash-live's device-mapper snapshot stays; software RAID and encryption go.
  const omitted = namesOf(args, '--omit-drivers');
  assert.ok(!omitted.includes('dm_snapshot') && !omitted.includes('dm_mod'));
  assert.ok(omitted.includes('raid456') && omitted.includes('dm_crypt'));
  assert.deepEqual(namesOf(args, '-m'), ['network', 'base', 'nfs']);
  assert.deepEqual(namesOf(args, '--add'), ['livenet', 'systemd', 'systemd-initrd', 'dracut-systemd', 'dmsquash-live', 'kernel-modules',
    'network-legacy', 'diskless-overlay']);
  assert.ok(args.includes('--no-hostonly'));
});

test('--full is the original tool\'s call: every driver (no --drivers list), xz, xfs required', () => {
  const { args } = dracutArguments('6.1.0-57-amd64', '/out.img', DEBIAN_MODULES, { profile: 'full' });
  assert.equal(args[0], '--xz');
  for (const absent of ['--drivers', '--omit-drivers', '--compress']) assert.equal(args.includes(absent), false, absent);
  assert.deepEqual(namesOf(args, '--add-drivers'), ['xfs']);
  assert.deepEqual(profileArguments('full'), ['--xz']);
});

test('arguments from the site come after the profile\'s, so a site\'s compression or drivers win', () => {
  const { args } = dracutArguments('6.1.0-57-amd64', '/out.img', DEBIAN_MODULES, { extraArgs: ['--xz', '--add-drivers', 'qede'] });
  assert.ok(args.indexOf('--xz') > args.indexOf('--compress'));
  assert.deepEqual(args.slice(-5), ['--add-drivers', 'qede', '/out.img', '--kver', '6.1.0-57-amd64']);
});

test('the node driver lists hold kernel module names only, each once, none both wanted and omitted', () => {
  const wanted = [...NODE_NETWORK_DRIVERS, ...NODE_OTHER_DRIVERS];
  assert.equal(new Set(wanted).size, wanted.length);
  for (const name of [...wanted, ...NODE_OMITTED_DRIVERS]) assert.match(name, /^[a-z0-9_-]+$/);
  // dracut turns only the first dash of an omitted name into an underscore: these must be written with underscores.
  for (const name of NODE_OMITTED_DRIVERS) assert.doesNotMatch(name, /-/);
  assert.deepEqual(wanted.filter((name) => NODE_OMITTED_DRIVERS.includes(name)), []);
});
