import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempRoot } from '../../helpers/temp-root.js';
import { fingerprintTree, makeSentinel } from '../../helpers/sentinel.js';
import { loadImageFolder } from '../../../src/core/image/image-folder.js';

/** Rewrites the `name:` line of an image's image_data.yml. */
async function forgeName(imageDir: string, name: string): Promise<void> {
  const file = join(imageDir, 'image_data.yml');
  const text = await readFile(file, 'utf8');
  assert.match(text, /^ {2}name: /m);
  await writeFile(file, text.replace(/^ {2}name: .*$/m, `  name: ${name}`));
}

test('the name inside image_data.yml never decides what image remove and image clean delete', async () => {
  const t = await makeTempRoot();
  const sentinel = await makeSentinel();
  try {
    const services = await t.services();
    for (const name of ['good', 'other', 'third']) {
      await services.images.create('DemoImage', name, { message: 'm' });
    }
    const { paths } = services;
    // One points outside the root, one at another image, one at the images folder itself.
    await forgeName(paths.imageDir('good'), sentinel.relativeFrom(paths.imagesDir, 'victim'));
    await forgeName(paths.imageDir('third'), 'other');
    const before = await sentinel.fingerprint();

    const shown = await t.cli(['image', 'show', 'good', '--json']);
    assert.equal(shown.exitCode, 0, shown.stderr);
    assert.equal(JSON.parse(shown.stdout).name, 'good');

    const removed = await t.cli(['image', 'remove', 'good', '--yes']);
    assert.equal(removed.exitCode, 0, removed.stderr);
    assert.ok(!existsSync(paths.imageDir('good')), 'the folder the user named is gone');
    assert.deepEqual(await sentinel.fingerprint(), before, 'nothing outside the root was deleted');

    const cleaned = await t.cli(['image', 'clean', 'third', '--yes']);
    assert.equal(cleaned.exitCode, 0, cleaned.stderr);
    assert.ok(!existsSync(paths.imageDir('third')));
    assert.ok(existsSync(join(paths.imageDir('other'), 'image_data.yml')), 'the image the forged name pointed at is intact');
    assert.equal((await services.images.status('other')).status, 'CREATED');
    assert.deepEqual(await fingerprintTree(sentinel.dir), before);
  } finally {
    await sentinel.cleanup();
    await t.cleanup();
  }
});

test('an image loaded for a change is saved back into its own folder, whatever name its data records', async () => {
  const t = await makeTempRoot();
  try {
    const services = await t.services();
    await services.images.create('DemoImage', 'a', { message: 'm' });
    await services.images.create('DemoImage', 'b', { message: 'm' });
    await forgeName(services.paths.imageDir('a'), 'b');
    const before = await readFile(join(services.paths.imageDir('b'), 'image_data.yml'), 'utf8');
    const image = await services.images.get('a');
    assert.equal(image.name, 'a');
    assert.equal(image.imageDirectory, services.paths.imageDir('a'));
    await image.save();
    assert.equal(await readFile(join(services.paths.imageDir('b'), 'image_data.yml'), 'utf8'), before, 'image b untouched');
    assert.match(await readFile(join(services.paths.imageDir('a'), 'image_data.yml'), 'utf8'), /^ {2}name: a$/m);
  } finally {
    await t.cleanup();
  }
});

test('a kernel or initramfs file name recorded in image_data.yml is never used as a path unless it passes the gate', async () => {
  const t = await makeTempRoot();
  try {
    const services = await t.services();
    await services.images.create('DemoImage', 'k', { message: 'm' });
    const file = join(services.paths.imageDir('k'), 'image_data.yml');
    const original = await readFile(file, 'utf8');
    for (const line of ['  kernel: vmlinuz-../../../../etc/shadow', '  image: ../../../etc/shadow', '  kernel: /boot/vmlinuz-1']) {
      await writeFile(file, `${original}${line}\n`);
      await assert.rejects(loadImageFolder(services.paths, 'k'),
        (error: { code?: string; message: string }) => error.code === 'E_IMAGE_DATA_INVALID' && /records an invalid/.test(error.message), line);
      // Not loadable, so nothing (set-kernel, boot file, checks) ever builds a path from it.
      await assert.rejects(services.images.get('k'), line);
    }
    await writeFile(file, `${original}  kernel: vmlinuz-6.1.0-28-amd64\n  image: initramfs-kernel-6.1.0-28-amd64\n`);
    assert.equal((await services.images.get('k')).data.kernel, 'vmlinuz-6.1.0-28-amd64');
  } finally {
    await t.cleanup();
  }
});
