import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Paths } from '../../../src/core/paths.js';
import { run } from '../../../src/system/runner.js';
import { initramfsWarnings, sizeWarnings } from '../../../src/modules/livenet/checks.js';

/** Writes a small cpio initramfs listing `modules` and holding kernel modules of `version`. */
async function fakeInitramfs(output: string, modules: string[], version: string): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'initrd-'));
  try {
    await mkdir(join(dir, 'usr', 'lib', 'dracut'), { recursive: true });
    await mkdir(join(dir, 'usr', 'lib', 'modules', version), { recursive: true });
    await writeFile(join(dir, 'usr', 'lib', 'dracut', 'modules.txt'), `${modules.join('\n')}\n`);
    await writeFile(join(dir, 'usr', 'lib', 'modules', version, 'modules.dep'), '\n');
    const list = ['.', 'usr', 'usr/lib', 'usr/lib/dracut', 'usr/lib/dracut/modules.txt', 'usr/lib/modules',
      `usr/lib/modules/${version}`, `usr/lib/modules/${version}/modules.dep`].join('\n');
    await run(['cpio', '-o', '-H', 'newc', '--quiet', '-O', output], { cwd: dir, input: `${list}\n` });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('the initramfs check warns about missing livenet modules and another kernel version', async () => {
  const root = await mkdtemp(join(tmpdir(), 'checks-'));
  try {
    const paths = new Paths(root);
    await mkdir(paths.kernelsDir, { recursive: true });
    const good = join(paths.kernelsDir, 'initramfs-kernel-6.1.0-a');
    await fakeInitramfs(good, ['base', 'network-legacy', 'network', 'livenet', 'dmsquash-live'], '6.1.0-a');
    assert.deepEqual(await initramfsWarnings(paths, 'vmlinuz-6.1.0-a'), []);

    await fakeInitramfs(join(paths.kernelsDir, 'initramfs-kernel-6.1.0-b'), ['base', 'network'], '6.1.0-other');
    const warnings = await initramfsWarnings(paths, 'vmlinuz-6.1.0-b');
    assert.equal(warnings.length, 2);
    assert.match(warnings[0] ?? '', /lacks the dracut modules livenet, dmsquash-live/);
    assert.match(warnings[1] ?? '', /6\.1\.0-other, not for kernel 6\.1\.0-b/);

    await writeFile(join(paths.kernelsDir, 'initramfs-kernel-6.1.0-c'), 'garbage');
    assert.match((await initramfsWarnings(paths, 'vmlinuz-6.1.0-c'))[0] ?? '', /cannot read the dracut modules/);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('size warnings flag images too big for RAM and file systems nearly full', () => {
  const GIB = 1024 ** 3;
  assert.deepEqual(sizeWarnings({ squashfsBytes: 0.3 * GIB, treeBytes: 0.8 * GIB, sizeMiB: 2048 }), []);
  assert.match(sizeWarnings({ squashfsBytes: 3 * GIB, treeBytes: 6 * GIB })[0] ?? '', /downloads it at boot/);
  assert.match(sizeWarnings({ squashfsBytes: 0.3 * GIB, treeBytes: 0.95 * GIB, sizeMiB: 1024 })[0] ?? '', /over 90%/);
});
