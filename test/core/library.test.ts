import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTempRoot } from '../helpers/temp-root.js';

test('the package entry exports the library classes for other programs', async () => {
  const library = await import('disklessset');
  assert.equal(typeof library.ImageManager, 'function');
  assert.equal(typeof library.KernelManager, 'function');
  assert.equal(typeof library.Image, 'function');
  const t = await makeTempRoot();
  try {
    const services = await library.openServices({ root: t.root });
    assert.ok(services.images instanceof library.ImageManager);
    await services.images.create('DemoImage', 'lib-made', { message: 'from a program' });
    const listed = await services.images.list();
    assert.deepEqual(listed.map((i) => [i.name, i.status]), [['lib-made', 'CREATED']]);
    await assert.rejects(services.images.create('DemoImage', '../bad', { message: 'x' }), (error: unknown) =>
      error instanceof library.UsageError && error.code === 'E_IMAGE_NAME');
  } finally {
    await t.cleanup();
  }
});
