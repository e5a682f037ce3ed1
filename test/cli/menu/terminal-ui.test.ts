import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CLI, makeTempRoot } from '../../helpers/temp-root.js';
import { addDummyKernel, makeBusyboxTree } from '../../helpers/livenet-fixtures.js';
import { KEY, PtySession } from '../../helpers/pty-session.js';
import { verifySha512Crypt } from '../../../src/core/os/password.js';

/** Moves down `steps` entries of a list, then picks. */
const pick = (steps: number) => KEY.down.repeat(steps) + KEY.enter;

test('a livenet image is created through the menu on a real terminal: a bad name asked again, an empty answer taken, Back, ESC leaves', async () => {
  const t = await makeTempRoot();
  const tree = await makeBusyboxTree(t.root);
  const services = await t.services();
  await addDummyKernel(services.paths.kernelsDir);
  const withMenus = services.activeModules.filter((m) => m.menu?.length);
  const livenetAt = withMenus.findIndex((m) => m.name === 'livenet');
  const livenetActions = withMenus[livenetAt]?.menu?.length ?? 0;
  const session = new PtySession([process.execPath, CLI, '--root', t.root], { ...process.env, DISKLESS_ROOT: undefined, NO_COLOR: '1' });
  try {
    await session.waitFor('disklessset - main menu');
    session.type(pick(0));
    await session.waitFor('Which module?');
    session.type(pick(livenetAt));
    await session.waitFor('livenet module');
    // "Back" is the last entry of every list below the main menu: one level up, to the module list.
    session.type(pick(livenetActions));
    await session.waitFor('Which module?');
    session.type(pick(livenetAt));
    await session.waitFor('livenet module');
    session.type(pick(0));

    await session.waitFor('Give a name for the new image:');
    session.type(`Bad Name!${KEY.enter}`);
    await session.waitFor('invalid image name "Bad Name!"');
    session.type(`${KEY.backspace.repeat('Bad Name!'.length)}pty-img${KEY.enter}`);
    await session.waitFor('Select the kernel:');
    session.type(pick(0));
    await session.waitFor('Select the image type:');
    session.type(pick(1));
    await session.waitFor('OS source');
    session.type(`dir:${tree}${KEY.enter}`);
    await session.waitFor('Release version');
    session.type(KEY.enter);
    await session.waitFor('Additional packages');
    session.type(KEY.enter);
    await session.waitFor('Root password of the image:');
    session.type(`pty-secret-pw${KEY.enter}`);
    await session.waitFor('Same password again:');
    session.type(`pty-secret-pw${KEY.enter}`);
    await session.waitFor('SSH public key for root (empty for none):');
    session.type(KEY.enter);
    await session.waitFor('Activate SELinux?');
    session.type(KEY.enter);
    await session.waitFor('Optimize the image');
    session.type(KEY.enter);
    await session.waitFor('Give the image size');
    session.type(`150M${KEY.enter}`);
    // The answers are summed up, then the build needs an explicit yes (the default is no).
    await session.waitFor('Create image pty-img? (y/N)');
    assert.match(session.text, /size: 150M/);
    session.type(`y${KEY.enter}`);
    await session.waitFor('Livenet image pty-img created.', 600_000);

    await session.waitFor('disklessset - main menu');
    session.type(KEY.escape);
    assert.equal(await session.exited, 0, session.text.slice(-2000));
    assert.ok(!session.text.includes('pty-secret-pw'), 'the password is never echoed');

    const image = await services.images.get('pty-img');
    assert.equal(image.data.livenet_type, 'small');
    assert.equal(image.data.livenet_size, 150);
    assert.ok(verifySha512Crypt('pty-secret-pw', String(image.data.password)));
    assert.equal(image.data.ssh_pub_key ?? undefined, undefined, 'the empty SSH key answer means none');
  } finally {
    session.kill();
    await t.cleanup();
  }
});

test('Ctrl-C at a prompt of the menu goes back to the main menu, Ctrl-C at the main menu leaves with code 0', async () => {
  const t = await makeTempRoot();
  const session = new PtySession([process.execPath, CLI, '--root', t.root], { ...process.env, DISKLESS_ROOT: undefined, NO_COLOR: '1' });
  try {
    await session.waitFor('disklessset - main menu');
    session.type(pick(0));
    await session.waitFor('Which module?');
    session.type(KEY.ctrlC);
    await session.waitFor('Back to the main menu.');
    await session.waitFor('disklessset - main menu');
    session.type(KEY.ctrlC);
    assert.equal(await session.exited, 0, session.text.slice(-2000));
  } finally {
    session.kill();
    await t.cleanup();
  }
});
