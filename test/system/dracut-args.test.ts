import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { checkDracutArgs } from '../../src/system/dracut-args.js';
import { parseConfig } from '../../src/core/config.js';
import { initramfsName } from '../../src/core/kernel/kernel-manager.js';
import { makeTempRoot } from '../helpers/temp-root.js';
import { addDummyKernel, TEST_KERNEL } from '../helpers/livenet-fixtures.js';

test('dracut arguments that only choose compression, modules, drivers or the command line pass', () => {
  for (const args of [[], ['--zstd'], ['--add-drivers', 'virtio_net xfs'], ['--add-drivers=virtio_net'], ['-a', 'nfs', '-o', 'plymouth'],
    ['--omit-drivers', 'nouveau,radeon'], ['--kernel-cmdline', 'console=ttyS0,115200 root=live:/x'], ['--filesystems', 'ext4 xfs'],
    ['--nostrip', '--no-early-microcode', '--quiet']]) {
    assert.doesNotThrow(() => checkDracutArgs(args, 'test'), JSON.stringify(args));
  }
});

test('dracut arguments that read or write host files are refused', () => {
  for (const args of [['--include', '/etc/shadow', '/x'], ['-i', '/etc/shadow', '/x'], ['--install', '/etc/shadow'], ['-I', '/etc/shadow'],
    ['--include=/etc'], ['--conf', '/tmp/evil.conf'], ['--confdir', '/tmp'], ['--tmpdir', '/'], ['--kmoddir', '/tmp/mods'], ['--sysroot', '/'],
    ['-c', '/tmp/c'], ['--add-fstab', '/etc/fstab'], ['--fstab'], ['--compress', '/tmp/evil'], ['--hostonly'], ['-H'],
    [join(tmpdir(), 'disklessset-test-root', 'evil.img')], ['--add-drivers', '../../../etc/shadow'], ['--add', '/etc'], ['--add-drivers'], ['--zstd=1'],
    ['--kernel-cmdline', 'a\nb'], ['--loginstall', '/tmp/log'], ['--mount', '/etc /x ext4 ro']]) {
    assert.throws(() => checkDracutArgs(args, 'test'), { code: 'E_DRACUT_ARG', kind: 'usage' }, JSON.stringify(args));
  }
});

test('the config file and the CLI refuse host-file dracut arguments before anything runs', async () => {
  assert.throws(() => parseConfig({ dracut_extra_args: ['--include', '/etc/shadow', '/x'] }, 'diskless.yml'), { code: 'E_DRACUT_ARG' });
  assert.deepEqual(parseConfig({ dracut_extra_args: ['--zstd'] }, 'diskless.yml').dracutExtraArgs, ['--zstd']);
  const t = await makeTempRoot();
  try {
    const s = await t.services();
    await addDummyKernel(s.paths.kernelsDir);
    const before = await readFile(join(s.paths.kernelsDir, initramfsName(TEST_KERNEL)));
    const result = await t.cli(['kernel', 'initramfs', TEST_KERNEL, '--dracut-arg=--include', '--dracut-arg=/etc/shadow', '--dracut-arg=/x']);
    assert.equal(result.exitCode, 2, result.stderr);
    assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
    assert.match(result.stderr, /dracut argument "--include"/);
    assert.deepEqual(await readFile(join(s.paths.kernelsDir, initramfsName(TEST_KERNEL))), before, 'the initramfs is untouched');
  } finally {
    await t.cleanup();
  }
});
