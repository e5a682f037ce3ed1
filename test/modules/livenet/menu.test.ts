import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ScriptedUi } from '../../helpers/scripted-ui.js';
import { makeTempRoot } from '../../helpers/temp-root.js';
import { livenetMenu } from '../../../src/modules/livenet/menu.js';
import { MenuInterrupted } from '../../../src/cli/menu/menu-ui.js';
import { prepareCreation } from '../../../src/core/image/creation.js';
import { verifySha512Crypt } from '../../../src/core/os/password.js';
import { addDummyKernel, makeBusyboxTree } from '../../helpers/livenet-fixtures.js';

/** Plays back answers and records the prompts. */

test('the livenet menu offers the original 4 actions (create, mount, unmount, resize), then rebuild through the manager', async () => {
  const t = await makeTempRoot();
  const tree = await makeBusyboxTree(t.root);
  try {
    const services = await t.services();
    await addDummyKernel(services.paths.kernelsDir);
    assert.deepEqual(livenetMenu.map((a) => a.label.split(' ')[0]), ['Create', 'Mount', 'Unmount', 'Resize', 'Rebuild']);
    const [create, mount, unmount, resize, rebuild] = livenetMenu;
    // Name, then the shared OS questions in table order (kernel, type, source, release, packages, password twice,
    // SSH key, SELinux, optimize), then the size, then yes to the summary.
    const ui = new ScriptedUi(['menu1', 0, 1, `dir:${tree}`, '', '', 'node-pw', 'node-pw', '', false, false, '150M', true]);
    await create?.run(ui, services);
    assert.ok(ui.shown.includes('Livenet image menu1 created.'));
    const image = await services.images.get('menu1');
    assert.equal(image.data.livenet_type, 'small');
    assert.ok(verifySha512Crypt('node-pw', String(image.data.password)));

    await mount?.run(new ScriptedUi([0]), services);
    assert.equal((await services.images.get('menu1')).data.is_mounted, true);
    await unmount?.run(new ScriptedUi([0]), services);
    assert.equal((await services.images.get('menu1')).data.is_mounted, false);
    const resizeUi = new ScriptedUi([0, '1G', true]);
    await resize?.run(resizeUi, services);
    assert.equal((await services.images.get('menu1')).data.livenet_size, 1024);
    await assert.rejects(resize?.run(new ScriptedUi([0, '20M']), services) ?? Promise.resolve(), /out of range/);
    const rebuildUi = new ScriptedUi([0, true]);
    await rebuild?.run(rebuildUi, services);
    assert.ok(rebuildUi.shown.includes('Image menu1 rebuilt.'), rebuildUi.shown.join('\n'));
    assert.match(String((await services.images.get('menu1')).data.rebuild_date), /^\d{4}-\d{2}-\d{2}$/);
  } finally {
    await t.cleanup();
  }
});

test('the livenet menu checks each answer when given: a taken or bad name, a bad source, an empty or unconfirmed password are asked again', async () => {
  const t = await makeTempRoot();
  try {
    const services = await t.services();
    await addDummyKernel(services.paths.kernelsDir);
    await services.images.create('DemoImage', 'taken', await prepareCreation(services.images, 'DemoImage', 'taken', { message: 'hi' },
      { origin: 'cli' }));
    const [create] = livenetMenu;
    const tree = await makeBusyboxTree(t.root);
    const ui = new ScriptedUi(['taken', 'Bad Name!', 'fresh', 0, 0, `dir:${t.root}/no-such-tree`, `dir:${tree}`, '', '',
      '', 'secret-pw', 'other-pw', 'secret-pw', 'secret-pw', 'CTRL-C']);
    await assert.rejects(create?.run(ui, services) ?? Promise.resolve(), MenuInterrupted);
    const nameAt = ui.shown.indexOf('Give a name for the new image:');
    const passwordAt = ui.shown.indexOf('Root password of the image:');
    assert.ok(ui.shown.slice(nameAt, passwordAt).some((line) => /"taken" already exists/.test(line)), ui.shown.join('\n'));
    assert.ok(ui.shown.slice(nameAt, passwordAt).some((line) => /Bad Name!/.test(line)), 'the bad name is refused before the password');
    assert.ok(ui.shown.includes('an answer is needed'), 'an empty password is asked again');
    assert.ok(ui.shown.includes('The passwords differ, try again.'), 'the password is confirmed');
    assert.ok(ui.shown.some((line) => /no-such-tree names no such folder/.test(line)), 'the source is checked when given');
    assert.ok(!ui.shown.some((line) => line.includes('secret-pw')), 'the password is never shown');
    assert.deepEqual(Object.keys(await services.installations.read()), []);
    await assert.rejects(services.images.get('fresh'), { code: 'E_IMAGE_NOT_FOUND' });
  } finally {
    await t.cleanup();
  }
});
