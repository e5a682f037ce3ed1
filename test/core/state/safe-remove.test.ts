import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, lstatSync } from 'node:fs';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { makeTempRoot } from '../../helpers/temp-root.js';
import { makeSentinel } from '../../helpers/sentinel.js';
import { isInside, realPathOf, removeManagedPath } from '../../../src/core/state/safe-remove.js';

test('a link inside a managed folder that points outside never leads a delete out of it', async () => {
  const t = await makeTempRoot();
  const sentinel = await makeSentinel();
  try {
    const managed = join(t.root, 'managed');
    await mkdir(managed);
    await symlink(sentinel.dir, join(managed, 'escape'));
    const before = await sentinel.fingerprint();
    assert.equal(isInside(join(managed, 'escape', 'victim'), [managed]), false);
    assert.equal(isInside(join(managed, 'plain', 'x'), [managed]), true, 'a missing path below the folder is inside');
    assert.equal(isInside(join(managed, '..', 'managed-sibling'), [managed]), false);
    await assert.rejects(removeManagedPath(join(managed, 'escape', 'victim'), [managed]),
      (error: { code?: string; message: string }) => error.code === 'E_UNSAFE_PATH' && /outside the folders/.test(error.message));
    assert.deepEqual(await sentinel.fingerprint(), before);
    // Deleting the link itself removes the link, never what it points to.
    await removeManagedPath(join(managed, 'escape'), [managed]);
    assert.ok(!existsSync(join(managed, 'escape')));
    assert.deepEqual(await sentinel.fingerprint(), before);
    assert.equal(realPathOf(join(managed, 'missing', 'deeper')), join(realPathOf(managed), 'missing', 'deeper'));
  } finally {
    await sentinel.cleanup();
    await t.cleanup();
  }
});

test('journal entries of a killed build that lead outside the tool folders are never deleted or unmounted', async () => {
  const t = await makeTempRoot();
  const sentinel = await makeSentinel();
  try {
    const services = await t.services();
    await services.images.ensureLayout();
    const { paths } = services;
    await symlink(sentinel.dir, join(paths.workDir, 'escape'));
    const scratch = paths.imageWorkDir('crashed');
    await mkdir(scratch);
    await writeFile(join(scratch, 'f'), 'x');
    // A build killed long ago (pid 1 with a start time that cannot match), whose journal was tampered with.
    await writeFile(paths.installationsFile, stringify({
      crashed: {
        pid: 1, image_class: 'DemoImage', start_time: 1,
        paths: [join(sentinel.dir, 'file.txt'), join(paths.workDir, 'escape', 'victim'), scratch],
        mounts: [join(paths.workDir, 'escape', 'victim')],
      },
    }));
    const before = await sentinel.fingerprint();
    const result = await t.cli(['image', 'clean', 'crashed', '--yes']);
    // Paths that are not the build's own are kept and reported; the rest of the undo goes on.
    assert.equal(result.exitCode, 0, result.stderr);
    assert.match(result.stderr, new RegExp(`kept ${join(sentinel.dir, 'file.txt')}: the journal of crashed names it, but it does not belong to crashed`));
    assert.match(result.stderr, /kept \S+\/escape\/victim: /);
    assert.deepEqual(await sentinel.fingerprint(), before, 'nothing outside the root was deleted');
    assert.ok(lstatSync(join(paths.workDir, 'escape')).isSymbolicLink());
    assert.ok(!existsSync(scratch), 'what the journal names inside the build\'s work folder is cleaned');
    assert.doesNotMatch((await t.cli(['image', 'list'])).stdout, /crashed/);
  } finally {
    await sentinel.cleanup();
    await t.cleanup();
  }
});
