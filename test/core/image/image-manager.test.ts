import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ImageContext } from '../../../src/core/image/context.js';
import { Image, type ImageClass } from '../../../src/core/image/image.js';
import type { ImageData } from '../../../src/core/image/image-data.js';
import { ImageManager } from '../../../src/core/image/image-manager.js';
import { makeTempRoot } from '../../helpers/temp-root.js';

class CountedImage extends Image {
  bootFile(): string { return '#!ipxe\necho counted\n'; }
}

/** An image class that counts what the manager asks of it, with a folder of its own outside the image folder. */
function countingClass(options: { rebuildable: boolean }) {
  const calls = { create: 0, clean: 0, rebuild: 0 };
  const ownFolder = (context: ImageContext, name: string): string => join(context.paths.workDir, `counted-${name}`);
  const imageClass: ImageClass<Record<string, never>> = {
    className: 'CountedImage',
    load: (context: ImageContext, data: ImageData) => new CountedImage(context, data),
    async create(context, journal, name) {
      calls.create += 1;
      await journal.makeDir(ownFolder(context, name));
      return new CountedImage(context, { name, image_class: 'CountedImage' });
    },
    async clean(context, name) {
      calls.clean += 1;
      await import('node:fs/promises').then(({ rm }) => rm(ownFolder(context, name), { recursive: true, force: true }));
    },
    ownedPaths: (context, name) => [ownFolder(context, name)],
    ...(options.rebuildable ? { async rebuild() { calls.rebuild += 1; return { warnings: ['rebuilt by the hook'] }; } } : {}),
  };
  return { imageClass, calls, ownFolder };
}

async function withManager(rebuildable: boolean, body: (manager: ImageManager, counting: ReturnType<typeof countingClass>) => Promise<void>): Promise<void> {
  const t = await makeTempRoot();
  try {
    const { images } = await t.services();
    const counting = countingClass({ rebuildable });
    const manager = new ImageManager(images.context, new Map([['CountedImage', counting.imageClass]]));
    await manager.ensureLayout();
    await body(manager, counting);
  } finally {
    await t.cleanup();
  }
}

test('remove deletes the class\'s own folder and the image folder in one pass, and leaves no registry entry', async () => {
  await withManager(false, async (manager, { calls, ownFolder }) => {
    await manager.create('CountedImage', 'gone', {});
    assert.ok(existsSync(ownFolder(manager.context, 'gone')));
    assert.deepEqual(await manager.remove('gone'), { unassigned: [] }, 'no node booted it');
    assert.equal(calls.clean, 1, 'the class cleans its locations once');
    assert.ok(!existsSync(manager.context.paths.imageDir('gone')));
    assert.ok(!existsSync(ownFolder(manager.context, 'gone')));
    assert.deepEqual(await manager.context.installations.read(), {});
    assert.deepEqual(await manager.list(), []);
  });
});

test('an image whose module is not loaded is removed by its folder', async () => {
  await withManager(false, async (manager) => {
    const dir = manager.context.paths.imageDir('orphan');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'image_data.yml'), 'image_data:\n  name: orphan\n  image_class: GoneImage\n');
    assert.equal((await manager.status('orphan')).status, 'CREATED');
    await manager.remove('orphan');
    assert.deepEqual(await readdir(manager.context.paths.imagesDir), []);
  });
});

test('rebuild goes through the class hook once; a class without one is E_NOT_REBUILDABLE', async () => {
  await withManager(true, async (manager, { calls }) => {
    await manager.create('CountedImage', 'again', {});
    await manager.requireRebuildable('again');
    assert.deepEqual(await manager.rebuild('again'), { warnings: ['rebuilt by the hook'] });
    assert.equal(calls.rebuild, 1);
  });
  await withManager(false, async (manager) => {
    await manager.create('CountedImage', 'fixed', {});
    await assert.rejects(manager.rebuild('fixed'), { code: 'E_NOT_REBUILDABLE' });
    await assert.rejects(manager.requireRebuildable('fixed'), { code: 'E_NOT_REBUILDABLE' });
    await assert.rejects(manager.rebuild('missing'), { code: 'E_IMAGE_NOT_FOUND' });
  });
});

test('a forced removal hands back the nodes the change listeners unassigned, merged and sorted', async () => {
  await withManager(false, async (manager) => {
    await manager.create('CountedImage', 'booted', {});
    manager.addChangeListener(async (_name, change) => (change === 'removed' ? { unassigned: ['n2', 'n10'] } : undefined));
    manager.addChangeListener(async () => ({ unassigned: ['n2', 'n1'] }));
    manager.addChangeListener(async () => { throw new Error('a failing listener does not hide the outcome'); });
    assert.deepEqual(await manager.remove('booted', { force: true }), { unassigned: ['n1', 'n10', 'n2'] });
  });
});
