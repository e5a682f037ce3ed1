import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempRoot } from '../../helpers/temp-root.js';
import { run } from '../../../src/system/runner.js';
import { FIXTURE_KERNEL, PASSWORD_HASH, entries, rootWithStaging } from '../../helpers/nfs-trees.js';

test('a staging image is a customised OS tree in nfsimages/staging with an NFS boot file', async () => {
  const { temp, services } = await rootWithStaging();
  try {
    const tree = join(services.paths.stagingDir, 'stage1');
    const shadow = await readFile(join(tree, 'etc/shadow'), 'utf8');
    assert.match(shadow, new RegExp(`^root:${PASSWORD_HASH.replace(/\$/g, '\\$')}:`, 'm'));
    assert.match(await readFile(join(tree, 'etc/os-release'), 'utf8'), /DISKLESS_IMAGE_NAME="?stage1/);
    assert.equal((await stat(join(tree, 'usr/bin/tool'))).mode & 0o777, 0o755);
    const boot = await readFile(join(services.paths.imageDir('stage1'), 'boot.ipxe'), 'utf8');
    // Nodes see the logical path, never the temporary root prefix.
    assert.ok(boot.includes('root=nfs:${next-server}:/diskless/images/nfsimages/staging/stage1,vers=4.2,rw'));
    assert.ok(!boot.includes(temp.root));
    const image = await services.images.get('stage1');
    assert.equal(image.data.kernel, FIXTURE_KERNEL);
    assert.equal(image.data.release_version, '12');
  } finally {
    await temp.cleanup();
  }
});

test('a golden image copies the staging tree and keeps kernel, password and release', async () => {
  const { temp, services } = await rootWithStaging();
  try {
    await services.images.create('NfsGoldenImage', 'gold', { from: 'stage1' });
    const goldenTree = join(services.paths.goldenDir, 'gold', 'image');
    assert.deepEqual(await entries(goldenTree), await entries(join(services.paths.stagingDir, 'stage1')));
    const hardLinked = await stat(join(goldenTree, 'usr/bin/tool-alias'));
    assert.equal(hardLinked.ino, (await stat(join(goldenTree, 'usr/bin/tool'))).ino, 'hard links are kept');
    const image = await services.images.get('gold');
    assert.equal(image.data.kernel, FIXTURE_KERNEL);
    assert.equal(image.data.password, PASSWORD_HASH);
    assert.equal(image.data.release_version, '12');
    assert.equal(image.data.nodes, '');
    const boot = await readFile(join(services.paths.imageDir('gold'), 'boot.ipxe'), 'utf8');
    assert.ok(boot.includes('root=nfs:${next-server}:/diskless/images/nfsimages/golden/gold/nodes/${hostname},vers=4.2,rw'));
  } finally {
    await temp.cleanup();
  }
});

test('boot files work where the site sets no variables: guarded defaults, console from config', async () => {
  const { temp, services } = await rootWithStaging();
  try {
    await services.images.create('NfsGoldenImage', 'gold', { from: 'stage1' });
    const boot = await readFile(join(services.paths.imageDir('gold'), 'boot.ipxe'), 'utf8');
    assert.ok(boot.startsWith('#!ipxe\n'));
    assert.ok(boot.includes(`isset \${eq-console} || set eq-console ${services.config.defaultConsole}`));
    assert.ok(boot.includes('isset ${eq-kernel-parameters} || set eq-kernel-parameters'));
    assert.ok(boot.includes('isset ${dedicated-kernel-parameters} || set dedicated-kernel-parameters'));
    assert.ok(boot.includes('isset ${hostname} || goto no_hostname'));
    assert.match(boot, /rd\.neednet=1 ip=dhcp/);
    assert.match(boot, /^kernel http:\/\/\$\{next-server\}\/preboot_execution_environment\/diskless\/kernels\/\$\{image-kernel\}\?node=[^ ]+ /m);
    assert.match(boot, /^initrd --name \$\{image-initramfs\} http:\/\/\$\{next-server\}\/preboot_execution_environment\/diskless\/kernels\/\$\{image-initramfs\}\?node=\S+$/m);
    assert.match(boot, new RegExp(`^set image-kernel ${FIXTURE_KERNEL.replace(/\./g, '\\.')}$`, 'm'));
  } finally {
    await temp.cleanup();
  }
});

test('removing images deletes every tree they own, and only theirs', async () => {
  const { temp, services } = await rootWithStaging();
  try {
    await services.images.create('NfsGoldenImage', 'gold', { from: 'stage1' });
    const goldenRoot = join(services.paths.goldenDir, 'gold');
    await services.images.remove('gold');
    assert.ok(!existsSync(goldenRoot));
    assert.ok(!existsSync(services.paths.imageDir('gold')));
    assert.ok(existsSync(join(services.paths.stagingDir, 'stage1')), 'the staging image is untouched');
    assert.ok(existsSync(join(services.paths.goldenDir, 'compute_golden', 'nodes', 'c001')), 'other golden images are untouched');
    await services.images.remove('stage1');
    assert.ok(!existsSync(join(services.paths.stagingDir, 'stage1')));
    assert.ok(existsSync(join(services.paths.stagingDir, 'compute_staging')));
  } finally {
    await temp.cleanup();
  }
});

test('a failed build leaves nothing behind; a missing source or staging image is refused', async () => {
  const temp = await makeTempRoot('legacy-v1-root');
  try {
    const services = await temp.services();
    await assert.rejects(services.images.create('NfsGoldenImage', 'gold', { from: 'no_such_image' }), { code: 'E_IMAGE_NOT_FOUND' });
    await assert.rejects(services.images.create('NfsGoldenImage', 'gold', { from: 'demo1' }), { code: 'E_NOT_STAGING' });
    assert.ok(!existsSync(join(services.paths.goldenDir, 'gold')));
    await assert.rejects(services.images.create('NfsStagingImage', 'stage2', {
      kernel: FIXTURE_KERNEL, source: { kind: 'dir', path: join(temp.root, 'missing') }, type: 'core', packages: [],
      passwordHash: PASSWORD_HASH, selinux: false, optimize: false,
    }), { code: 'E_SOURCE' });
    assert.ok(!existsSync(join(services.paths.stagingDir, 'stage2')));
    assert.ok(!existsSync(services.paths.imageDir('stage2')));
    assert.deepEqual(await services.installations.read(), {});
  } finally {
    await temp.cleanup();
  }
});

test('a killed staging build is CORRUPTED and cleaning removes its tree (legacy broken_build)', async () => {
  const temp = await makeTempRoot('legacy-v1-root');
  try {
    const services = await temp.services();
    const broken = join(services.paths.stagingDir, 'broken_build');
    assert.ok(existsSync(broken));
    assert.equal((await services.images.status('broken_build')).status, 'CORRUPTED');
    assert.deepEqual(await services.images.cleanCorrupted(), ['broken_build']);
    assert.ok(!existsSync(broken));
    assert.ok(!existsSync(services.paths.imageDir('broken_build')));
  } finally {
    await temp.cleanup();
  }
});

test('a staging tree with something mounted in it is never copied into a golden image', async () => {
  const { temp, services } = await rootWithStaging();
  try {
    const procInStaging = join(services.paths.stagingDir, 'stage1', 'proc');
    await mkdir(procInStaging, { recursive: true });
    await run(['mount', '-t', 'tmpfs', 'leftover', procInStaging]);
    try {
      const golden = await temp.cli(['nfs', 'golden', 'create', 'gd', '--from', 'stage1']);
      assert.equal(golden.exitCode, 1);
      assert.match(golden.stderr, /mounted in it/);
    } finally {
      await run(['umount', procInStaging]);
    }
    assert.ok(!existsSync(join(services.paths.goldenDir, 'gd')), 'nothing of the refused golden image is left');
    assert.equal((await temp.cli(['image', 'show', 'gd'])).exitCode, 1);
  } finally {
    await temp.cleanup();
  }
});
