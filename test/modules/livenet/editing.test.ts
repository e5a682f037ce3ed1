import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempRoot } from '../../helpers/temp-root.js';
import { sha512Crypt } from '../../../src/core/os/password.js';
import { parseSource } from '../../../src/core/os/sources.js';
import { mountLivenet, shellLivenet, unmountLivenet } from '../../../src/modules/livenet/editing.js';
import { resizeLivenet } from '../../../src/modules/livenet/maintenance.js';
import { mountsUnder } from '../../../src/system/mount.js';
import { addDummyKernel, makeBusyboxTree, TEST_KERNEL } from '../../helpers/livenet-fixtures.js';
import { unpackSquashfs } from '../../helpers/livenet-inspect.js';

async function builtImage(sizeMiB: number) {
  const t = await makeTempRoot();
  try {
    const tree = await makeBusyboxTree(t.root);
    const s = await t.services();
    await addDummyKernel(s.paths.kernelsDir);
    await s.images.create('LivenetImage', 'edit1', {
      kernel: TEST_KERNEL, type: 'core', sizeMiB, source: parseSource(`dir:${tree}`), passwordHash: sha512Crypt('pw'),
      selinux: false, packages: [], optimize: false, compression: 'zstd', layout: 'liveos',
    });
    return { t, s, squashfs: join(s.paths.imageDir('edit1'), 'squashfs.img') };
  } catch (error) {
    // The tests' finally never runs when the image could not be built.
    await t.cleanup();
    throw error;
  }
}

test('mount, edit in a chroot, unmount: the edit is published and the old image can be rolled back', async () => {
  const { t, s, squashfs } = await builtImage(128);
  try {
    const mounted = await mountLivenet(s, 'edit1');
    assert.equal(mounted.mountPoint, join(s.paths.workDir, 'edit1', 'mnt'));
    assert.equal(mounted.mode, 'loop');
    assert.ok((await mountsUnder(join(mounted.mountPoint, 'proc'))).includes(join(mounted.mountPoint, 'proc')), '/proc is bound for chroot work');
    assert.equal(await readFile(mounted.inventory, 'utf8'), `${mounted.mountPoint} ansible_connection=chroot\n`);
    await assert.rejects(mountLivenet(s, 'edit1'), { code: 'E_IMAGE_MOUNTED' });
    await assert.rejects(resizeLivenet(s, 'edit1', 200), { code: 'E_IMAGE_MOUNTED' });

    const shell = await shellLivenet(s, 'edit1', ['/bin/sh', '-c', 'echo edited-in-chroot > /etc/motd; cat /proc/self/comm']);
    assert.equal(shell.exitCode, 0);
    assert.equal(shell.stdout.trim(), 'cat');
    await writeFile(join(mounted.mountPoint, 'etc', 'site.conf'), 'from-host\n');

    const result = await unmountLivenet(s, 'edit1');
    assert.ok(result.republished);
    assert.deepEqual(await readdir(s.paths.workDir), [], 'no mount or work folder is left');
    const after = await unpackSquashfs(squashfs);
    try {
      assert.equal(await after.cat('/etc/motd'), 'edited-in-chroot\n');
      assert.equal(await after.cat('/etc/site.conf'), 'from-host\n');
    } finally {
      await after.cleanup();
    }
    const [edited, built] = await s.images.history('edit1');
    assert.ok(edited?.current && built && !built.current, 'the edit is a new current version, the build is kept');
    assert.equal(edited.command, 'livenet unmount edit1');
    assert.deepEqual((await readdir(s.paths.imageDir('edit1'))).sort(), ['boot.ipxe', 'image_data.yml', 'squashfs.img',
      ...[edited.id, built.id].flatMap((id) => [`boot-${id}.ipxe`, `squashfs-${id}.img`, `squashfs-${id}.img.sha256`, `squashfs-${id}.img.torrent`, `version-${id}.yml`]),
      // The build's tree had its manifest; an edit of the loop-mounted rootfs.img has none (image diff falls back to listings).
      `manifest-${built.id}.tsv`].sort());

    assert.deepEqual(await s.images.rollback('edit1', 'previous'), { version: built.id, from: edited.id, changed: true });
    assert.equal((await s.images.rollback('edit1', 'previous')).changed, false, 'a second rollback changes nothing rather than swapping back');
    const rolledBack = await unpackSquashfs(squashfs);
    try {
      assert.equal(await rolledBack.cat('/etc/site.conf'), '', 'the edit is gone after a rollback, and stays gone after a second one');
      assert.match(await rolledBack.cat('/etc/passwd'), /^root:/);
    } finally {
      await rolledBack.cleanup();
    }
  } finally {
    await t.cleanup();
  }
});

test('resize grows and shrinks rootfs.img in place, keeps the content and refuses a size it does not fit', async () => {
  const { t, s, squashfs } = await builtImage(128);
  try {
    await resizeLivenet(s, 'edit1', 300);
    let unpacked = await unpackSquashfs(squashfs);
    assert.equal(await unpacked.rootfsBytes(), 300 * 1024 * 1024);
    assert.match(await unpacked.cat('/etc/passwd'), /^root:/);
    await unpacked.cleanup();
    assert.equal((await s.images.get('edit1')).data.livenet_size, 300);

    await resizeLivenet(s, 'edit1', 110);
    unpacked = await unpackSquashfs(squashfs);
    assert.equal(await unpacked.rootfsBytes(), 110 * 1024 * 1024);
    assert.match(await unpacked.cat('/usr/lib/os-release'), /DISKLESS_IMAGE_NAME="edit1"/);
    await unpacked.cleanup();
    assert.equal((await s.images.get('edit1')).data.livenet_size, 110);

    // Fill the file system, then ask for less than its content.
    const mounted = await mountLivenet(s, 'edit1');
    await shellLivenet(s, 'edit1', ['/bin/sh', '-c', 'dd if=/dev/urandom of=/filler bs=1M count=90 2>/dev/null']);
    assert.ok(mounted.mountPoint);
    await unmountLivenet(s, 'edit1');
    await assert.rejects(resizeLivenet(s, 'edit1', 100), { code: 'E_TREE_TOO_BIG', kind: 'usage' });
    assert.equal((await s.images.get('edit1')).data.livenet_size, 110, 'a refused resize changes nothing');
    assert.deepEqual(await readdir(s.paths.workDir), []);
  } finally {
    await t.cleanup();
  }
});

test('where loop mounts are impossible, mount unpacks the tree and unmount rebuilds rootfs.img of the same size', async () => {
  const { t, s, squashfs } = await builtImage(140);
  try {
    const mounted = await mountLivenet(s, 'edit1', { unpack: true });
    assert.equal(mounted.mode, 'tree');
    assert.ok(!(await mountsUnder(mounted.mountPoint)).includes(mounted.mountPoint), 'nothing is loop-mounted');
    assert.match(await readFile(join(mounted.mountPoint, 'etc', 'passwd'), 'utf8'), /^root:/);
    await writeFile(join(mounted.mountPoint, 'etc', 'unpacked-edit'), 'yes\n');
    await unmountLivenet(s, 'edit1');
    const after = await unpackSquashfs(squashfs);
    try {
      assert.equal(await after.rootfsBytes(), 140 * 1024 * 1024);
      assert.equal(await after.cat('/etc/unpacked-edit'), 'yes\n');
      assert.match(await after.cat('/etc/shadow'), /^root:\$6\$/m);
    } finally {
      await after.cleanup();
    }
    assert.deepEqual(await readdir(s.paths.workDir), []);
  } finally {
    await t.cleanup();
  }
});
