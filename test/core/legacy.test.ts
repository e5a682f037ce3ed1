import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempRoot } from '../helpers/temp-root.js';
import { normaliseLegacyValue } from '../../src/core/image/image-data.js';

interface Listed {
  name: string; status: string; imageClass: string | null; kernel: string | null; initramfs: string | null; creatorPid?: number;
  attributes: Record<string, unknown>;
}

test('images written by the original tool are listed with normalised attributes', async () => {
  const t = await makeTempRoot('legacy-v1-root');
  try {
    const result = await t.cli(['image', 'list', '--json']);
    assert.equal(result.exitCode, 0, result.stderr);
    const listed = JSON.parse(result.stdout) as Listed[];
    const byName = new Map(listed.map((i) => [i.name, i]));
    assert.equal(byName.get('broken_build')?.status, 'CORRUPTED', 'creator pid 999999 is gone');
    assert.equal(byName.get('broken_build')?.creatorPid, 999999);
    const space = byName.get('space_image');
    assert.equal(space?.status, 'CREATED');
    assert.equal(space?.imageClass, 'LivenetImage');
    assert.equal(space?.attributes?.selinux, false);
    assert.equal(space?.attributes?.optimize, true);
    assert.equal(space?.attributes.livenetType, 'standard');
    assert.deepEqual(space?.attributes.additionalPackages, ['vim', 'htop']);
    assert.equal(space?.attributes.livenetSizeMiB, 1500, 'the size says its unit');
    assert.equal(space?.kernel, 'vmlinuz-4.18.0-147.el8.x86_64');
    assert.equal(space?.initramfs, 'initramfs-kernel-4.18.0-147.el8.x86_64');
    assert.equal(space?.attributes?.password, '<redacted>');
    assert.doesNotMatch(result.stdout, /\$6\$/, 'no password hash in listings');
    assert.equal(byName.get('compute_golden')?.attributes.nodes, 'c[001-003]');
    assert.equal(byName.get('compute_golden')?.attributes.nodeCount, 3);
    assert.equal(byName.get('demo1')?.attributes.myMessage, 'hello world');
  } finally {
    await t.cleanup();
  }
});

test('legacy kernels are listed with their initramfs state', async () => {
  const t = await makeTempRoot('legacy-v1-root');
  try {
    const kernels = JSON.parse((await t.cli(['kernel', 'list', '--json'])).stdout) as { kernel: string; initramfsPresent: boolean }[];
    assert.deepEqual(kernels.map((k) => [k.kernel, k.initramfsPresent]), [
      ['vmlinuz-4.18.0-147.el8.x86_64', true], ['vmlinuz-4.18.0-193.el8.x86_64', false]]);
    const text = (await t.cli(['kernel', 'list'])).stdout;
    assert.match(text, /missing initramfs-kernel-4\.18\.0-193\.el8\.x86_64/);
  } finally {
    await t.cleanup();
  }
});

test('a legacy demo image is removed with its folder, and the corrupted build is cleaned', async () => {
  const t = await makeTempRoot('legacy-v1-root');
  try {
    const removed = await t.cli(['image', 'remove', 'demo1', '--yes']);
    assert.equal(removed.exitCode, 0, removed.stderr);
    const { paths } = await t.services();
    assert.ok(!existsSync(paths.imageDir('demo1')));
    assert.ok(!existsSync(join(paths.demoDir, 'demo_directory_demo1')));
    // The mutating command cleaned the CORRUPTED build first.
    assert.ok(!existsSync(paths.imageDir('broken_build')));
    const listed = JSON.parse((await t.cli(['image', 'list', '--json'])).stdout) as Listed[];
    assert.ok(!listed.some((i) => i.name === 'broken_build'));
  } finally {
    await t.cleanup();
  }
});

test('Python str() values are converted', () => {
  assert.equal(normaliseLegacyValue('False'), false);
  assert.equal(normaliseLegacyValue('True'), true);
  assert.equal(normaliseLegacyValue('None'), null);
  assert.equal(normaliseLegacyValue('Type.CORE'), 'core');
  assert.deepEqual(normaliseLegacyValue("['a', \"b c\", 3]"), ['a', 'b c', 3]);
  assert.deepEqual(normaliseLegacyValue('[]'), []);
  assert.equal(normaliseLegacyValue('node[1-3]'), 'node[1-3]');
});

test('legacy images change and go as our own: kernel change rewrites the boot file, removal deletes every tree', async () => {
  const t = await makeTempRoot('legacy-v1-root');
  try {
    const changed = await t.cli(['image', 'set-kernel', 'compute_golden', 'vmlinuz-4.18.0-147.el8.x86_64']);
    assert.equal(changed.exitCode, 0, changed.stderr);
    const { paths } = await t.services();
    const { readFile } = await import('node:fs/promises');
    const bootFile = await readFile(join(paths.imageDir('compute_golden'), 'boot.ipxe'), 'utf8');
    assert.match(bootFile, /\/diskless\/images\/nfsimages\/golden\/compute_golden\/nodes\/\$\{hostname\}/);
    assert.doesNotMatch(bootFile, new RegExp(t.root), 'boot files name logical paths, never the root prefix');
    const data = await readFile(join(paths.imageDir('compute_golden'), 'image_data.yml'), 'utf8');
    assert.match(data, /nodes: c\[001-003\]/);

    assert.equal((await t.cli(['image', 'remove', 'space_image', '--yes'])).exitCode, 0);
    assert.ok(!existsSync(paths.imageDir('space_image')));
    assert.equal((await t.cli(['image', 'remove', 'compute_golden', '--yes'])).exitCode, 0);
    assert.ok(!existsSync(join(paths.goldenDir, 'compute_golden')), 'golden tree and node trees removed');
    assert.ok(existsSync(join(paths.stagingDir, 'compute_staging')), 'another image is untouched');
  } finally {
    await t.cleanup();
  }
});
