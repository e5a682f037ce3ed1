import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkDracutArgs } from '../../src/system/dracut-args.js';

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
    ['/var/www/html/evil.img'], ['--add-drivers', '../../../etc/shadow'], ['--add', '/etc'], ['--add-drivers'], ['--zstd=1'],
    ['--kernel-cmdline', 'a\nb'], ['--loginstall', '/tmp/log'], ['--mount', '/etc /x ext4 ro']]) {
    assert.throws(() => checkDracutArgs(args, 'test'), { code: 'E_DRACUT_ARG', kind: 'usage' }, JSON.stringify(args));
  }
});
