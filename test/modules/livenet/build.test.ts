import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempRoot } from '../../helpers/temp-root.js';
import { sha512Crypt, verifySha512Crypt } from '../../../src/core/os/password.js';
import { parseSource } from '../../../src/core/os/sources.js';
import type { LivenetOptions } from '../../../src/modules/livenet/options.js';
import { addDummyKernel, makeBusyboxTree, TEST_KERNEL } from '../../helpers/livenet-fixtures.js';
import { unpackSquashfs } from '../../helpers/livenet-inspect.js';

function options(tree: string, overrides: Partial<LivenetOptions> = {}): LivenetOptions {
  return {
    kernel: TEST_KERNEL, type: 'core', sizeMiB: 128, source: parseSource(`dir:${tree}`), passwordHash: sha512Crypt('n0de-pass'),
    selinux: false, packages: [], optimize: false, compression: 'zstd', layout: 'liveos', ...overrides,
  };
}

test('a liveos build gives squashfs.img holding LiveOS/rootfs.img: ext4 of the requested size with the customized tree', async () => {
  const t = await makeTempRoot();
  const tree = await makeBusyboxTree(t.root);
  try {
    const s = await t.services();
    await addDummyKernel(s.paths.kernelsDir);
    const events: string[] = [];
    await s.images.create('LivenetImage', 'compute', options(tree, { sshKey: 'ssh-ed25519 AAAAtest admin@site', selinux: true }),
      { progress: (e) => { if (e.type === 'step') events.push(e.step); } });
    assert.ok(events.length >= 5, 'each step is reported');
    const imageDir = s.paths.imageDir('compute');
    const version = String((await s.images.get('compute')).data.version);
    assert.deepEqual((await readdir(imageDir)).sort(),
      ['boot.ipxe', `boot-${version}.ipxe`, 'image_data.yml', 'squashfs.img', `squashfs-${version}.img`, `version-${version}.yml`,
        // What a peer-to-peer node fetches and checks (docs/scale.md).
        `squashfs-${version}.img.sha256`, `squashfs-${version}.img.torrent`,
        // What `image diff` compares (the sha256 of each file of the tree).
        `manifest-${version}.tsv`].sort());
    assert.deepEqual(await readdir(s.paths.workDir), [], 'the work folder is left empty');

    const unpacked = await unpackSquashfs(join(imageDir, 'squashfs.img'));
    try {
      assert.deepEqual(await readdir(unpacked.dir), ['LiveOS']);
      assert.equal(await unpacked.rootfsBytes(), 128 * 1024 * 1024);
      assert.equal(await unpacked.fsType(), 'ext4');
      const shadowRoot = (await unpacked.cat('/etc/shadow')).split('\n').find((l) => l.startsWith('root:')) ?? '';
      assert.ok(verifySha512Crypt('n0de-pass', shadowRoot.split(':')[1] ?? ''), 'the shadow hash verifies against the password');
      // /etc/os-release links to /usr/lib/os-release (debugfs does not follow links).
      const osRelease = await unpacked.cat('/usr/lib/os-release');
      assert.match(osRelease, /^DISKLESS_IMAGE_NAME="compute"$/m);
      assert.match(osRelease, new RegExp(`^BLUEBANQUISE_IMAGE_KERNEL="${TEST_KERNEL}"$`, 'm'));
      assert.match(osRelease, /^BLUEBANQUISE_IMAGE_DATE="\d{4}-\d\d-\d\d"$/m);
      assert.equal((await unpacked.cat('/root/.ssh/authorized_keys')).trim(), 'ssh-ed25519 AAAAtest admin@site');
      assert.equal(await unpacked.cat('/.autorelabel'), '');
    } finally {
      await unpacked.cleanup();
    }

    const boot = await readFile(join(imageDir, 'boot.ipxe'), 'utf8');
    assert.match(boot, /^#!ipxe/);
    assert.match(boot, /root=live:http:\/\/\$\{next-server\}\/preboot_execution_environment\/diskless\/images\/compute\/squashfs-[0-9a-f]{12}\.img\?node=[^ ]+ rw /, 'the root image URL names the node (see boot/ipxe/urls.ts)');
    assert.match(boot, /kernel http:\/\/\$\{next-server\}\/preboot_execution_environment\/diskless\/kernels\/\$\{image-kernel\}\?node=[^ ]+ initrd=\$\{image-initramfs\}/);
    assert.match(boot, /rd\.neednet=1 ip=dhcp .*selinux=1/);
    assert.match(boot, /^isset \$\{eq-console\} \|\| set eq-console console=tty0 console=ttyS0,115200$/m);
    assert.match(boot, /^isset \$\{dedicated-kernel-parameters\} \|\| /m);
    assert.match(boot, /^initrd --name \$\{image-initramfs\} http:\/\/\$\{next-server\}\/preboot_execution_environment\/diskless\/kernels\/\$\{image-initramfs\}\?node=\S+$/m);
    assert.doesNotMatch(boot, /overlayfs/);

    assert.equal((await stat(join(imageDir, 'image_data.yml'))).mode & 0o777, 0o600, 'the file holding the hash is private');
    const listed = (await s.images.list()).find((i) => i.name === 'compute');
    assert.equal(listed?.status, 'CREATED');
    assert.equal(listed?.attributes?.password, '<redacted>');
    assert.equal(listed?.attributes?.livenet_size, 128);
  } finally {
    await t.cleanup();
  }
});

test('the flat layout squashes the tree itself and boots with an overlayfs', async () => {
  const t = await makeTempRoot();
  const tree = await makeBusyboxTree(t.root);
  try {
    const s = await t.services();
    await addDummyKernel(s.paths.kernelsDir);
    await s.images.create('LivenetImage', 'flat1', options(tree, { layout: 'flat', sizeMiB: 0, compression: 'xz' }));
    const imageDir = s.paths.imageDir('flat1');
    const unpacked = await unpackSquashfs(join(imageDir, 'squashfs.img'), 'flat');
    try {
      assert.ok((await readdir(unpacked.dir)).includes('bin'));
      assert.match(await unpacked.cat('usr/lib/os-release'), /DISKLESS_IMAGE_NAME="flat1"/);
    } finally {
      await unpacked.cleanup();
    }
    assert.match(await readFile(join(imageDir, 'boot.ipxe'), 'utf8'), /selinux=0 rd\.live\.overlay\.overlayfs=1/);
  } finally {
    await t.cleanup();
  }
});

test('a tree larger than the requested size is refused and leaves nothing behind', async () => {
  const t = await makeTempRoot();
  const tree = await makeBusyboxTree(t.root);
  try {
    const { run } = await import('../../../src/system/runner.js');
    await run(['dd', 'if=/dev/urandom', `of=${join(tree, 'big.bin')}`, 'bs=1M', 'count=120', 'status=none']);
    const s = await t.services();
    await addDummyKernel(s.paths.kernelsDir);
    await assert.rejects(s.images.create('LivenetImage', 'toobig', options(tree, { sizeMiB: 100 })), { code: 'E_TREE_TOO_BIG' });
    assert.deepEqual(await s.images.list(), []);
    assert.deepEqual(await readdir(s.paths.workDir), []);
    await rm(join(tree, 'big.bin'));
  } finally {
    await t.cleanup();
  }
});
