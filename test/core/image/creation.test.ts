import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { prepareCreation, requireFreeName } from '../../../src/core/image/creation.js';
import { makeTempRoot } from '../../helpers/temp-root.js';

test('a name is taken by a created image, a folder, a dangling link or a registered build; the check is the one create runs', async () => {
  const t = await makeTempRoot();
  try {
    const services = await t.services();
    await services.images.ensureLayout();
    const context = services.images.context;
    await requireFreeName(context, 'free');
    await services.images.create('DemoImage', 'made', { message: 'hi' });
    await mkdir(context.paths.imageDir('folder'));
    await symlink(join(t.root, 'nowhere'), context.paths.imageDir('dangling'));
    await context.installations.begin('building', 'DemoImage', async () => {});
    for (const name of ['made', 'folder', 'dangling', 'building']) {
      await assert.rejects(requireFreeName(context, name), { code: 'E_IMAGE_EXISTS', kind: 'conflict' }, name);
      await assert.rejects(services.images.create('DemoImage', name, { message: 'again' }), { code: 'E_IMAGE_EXISTS' }, name);
    }
    await assert.rejects(requireFreeName(context, '../etc'), { code: 'E_IMAGE_NAME' });
  } finally {
    await t.cleanup();
  }
});

test('prepareCreation checks name, class, free name, then the class\'s options, in that order, and writes nothing', async () => {
  const t = await makeTempRoot();
  try {
    const services = await t.services();
    await services.images.ensureLayout();
    await services.images.create('DemoImage', 'made', { message: 'hi' });
    const cli = { origin: 'cli' } as const;
    await assert.rejects(prepareCreation(services.images, 'NoSuchImage', 'bad/name', {}, cli), { code: 'E_IMAGE_NAME' });
    await assert.rejects(prepareCreation(services.images, 'NoSuchImage', 'x', {}, cli), { code: 'E_CLASS_NOT_FOUND' });
    await assert.rejects(prepareCreation(services.images, 'DemoImage', 'made', { bad: 1 }, cli), { code: 'E_IMAGE_EXISTS' });
    await assert.rejects(prepareCreation(services.images, 'DemoImage', 'x', { mesage: 'hi' }, cli), { code: 'E_UNKNOWN_OPTION' });
    assert.deepEqual(await prepareCreation(services.images, 'DemoImage', 'x', { message: 'hi', crash: true }, cli),
      { message: 'hi', delay: undefined, crash: true });
    await assert.rejects(prepareCreation(services.images, 'DemoImage', 'x', { message: 'hi', crash: true }, { origin: 'api' }),
      { code: 'E_API_CRASH_REFUSED' });
    assert.deepEqual((await services.images.list()).map((i) => i.name), ['made']);
  } finally {
    await t.cleanup();
  }
});
