import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ScriptedUi } from '../../helpers/scripted-ui.js';
import { makeTempRoot } from '../../helpers/temp-root.js';
import { runMainMenu } from '../../../src/cli/menu/main-menu.js';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { addDummyKernel } from '../../helpers/livenet-fixtures.js';



test('the main menu offers the original 8 actions, creates through a module and removes with confirmation', async () => {
  const t = await makeTempRoot();
  try {
    const services = await t.services();
    const demoIndex = services.activeModules.filter((m) => m.menu?.length).findIndex((m) => m.name === 'demo');
    const ui = new ScriptedUi([
      0, demoIndex, 0, 'menu-img', 'hi there', true, // 1: module > demo > create, after the summary
      1, // 2: list
      2, 0, false, // 3: remove, pick, refuse
      2, 0, true, // 3: remove, pick, confirm
      7, // 8: exit
    ]);
    await runMainMenu(ui, services);
    assert.deepEqual(ui.shown.slice(1, 9), ['Manage or create images (through a module)', 'List images', 'Remove an image',
      "Change an image's kernel", 'List kernels', 'Generate an initramfs', 'Clear a corrupted image', 'Exit']);
    assert.ok(ui.shown.includes('New image menu-img:\n  message: hi there'), 'the answers are summed up before the build');
    assert.ok(ui.shown.includes('Create image menu-img?'));
    assert.ok(ui.shown.includes('Demo image menu-img created.'));
    assert.ok(ui.shown.some((line) => /^menu-img +DemoImage +CREATED /m.test(line)), 'the list shows the image as a table row');
    assert.ok(ui.shown.includes('Image menu-img removed.'));
    assert.deepEqual(await services.images.list(), []);
  } finally {
    await t.cleanup();
  }
});

test('Ctrl-C in a sub-menu returns to the main menu; Ctrl-C in the main menu exits', async () => {
  const t = await makeTempRoot();
  try {
    const services = await t.services();
    const ui = new ScriptedUi([0, 'CTRL-C', 4, 'CTRL-C']);
    await runMainMenu(ui, services);
    assert.ok(ui.shown.includes('Back to the main menu.'));
    assert.ok(ui.shown.some((line) => /No kernels/.test(line)), 'the menu went on after the interrupt');
  } finally {
    await t.cleanup();
  }
});

test('"Back" goes up one level: from a module\'s actions to the module list, from there to the main menu', async () => {
  const t = await makeTempRoot();
  try {
    const services = await t.services();
    const ui = new ScriptedUi([0, 0, 'BACK', 'BACK', 4, 7]);
    await runMainMenu(ui, services);
    assert.equal(ui.shown.filter((line) => line === 'Which module?').length, 2, 'the module list is shown again');
    assert.equal(ui.shown.filter((line) => line === 'disklessset - main menu').length, 3);
    assert.ok(ui.shown.some((line) => /No kernels/.test(line)), 'the main menu works after going back');
    assert.ok(!ui.shown.includes('Back to the main menu.'), 'Back is not an interruption');
  } finally {
    await t.cleanup();
  }
});

test('"Generate an initramfs" offers a chroot, refuses the host root and missing folders when given and hands it to dracut', async () => {
  const t = await makeTempRoot();
  try {
    const services = await t.services();
    await addDummyKernel(services.paths.kernelsDir);
    const tree = join(t.root, 'tree');
    await mkdir(tree);
    // Only mounts under this test's root count: other test files mount their own folders at the same time.
    const ours = async () => (await readFile('/proc/self/mountinfo', 'utf8')).split('\n').filter((line) => line.includes(t.root));
    const before = await ours();
    const ui = new ScriptedUi([5, 0, 1, join(t.root, 'missing'), '/', '/proc', tree, true, 7]);
    await runMainMenu(ui, services);
    assert.ok(ui.shown.includes('Inside an OS tree (chroot)'));
    assert.ok(ui.shown.some((line) => line.startsWith(`chroot tree ${join(t.root, 'missing')} names no such folder`)), 'a missing tree is asked again');
    // The host itself and its system folders are refused as the command line refuses them, before any mount.
    assert.ok(ui.shown.some((line) => line.startsWith('chroot tree / is the whole host file system')), ui.shown.join('\n'));
    assert.ok(ui.shown.some((line) => line.startsWith('chroot tree /proc is in /proc, a folder of the running system')));
    assert.deepEqual(await ours(), before);
    assert.ok(ui.shown.some((line) => line.endsWith(`inside ${tree}?`)));
    // The dummy tree has no kernel modules: the chroot reached the kernel manager, which refuses it.
    assert.ok(ui.shown.some((line) => /^Error: .*tree has no modules for kernel/.test(line)), ui.shown.join('\n'));
  } finally {
    await t.cleanup();
  }
});
