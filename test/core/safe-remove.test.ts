import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, lstatSync } from 'node:fs';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { makeTempRoot } from '../helpers/temp-root.js';
import { makeSentinel } from '../helpers/sentinel.js';
import { isInside, realPathOf, removeManagedPath } from '../../src/core/state/safe-remove.js';

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
    await mkdir(join(paths.workDir, 'crashed-scratch'));
    await writeFile(join(paths.workDir, 'crashed-scratch', 'f'), 'x');
    // A build killed long ago (pid 1 with a start time that cannot match), whose journal was tampered with.
    await writeFile(paths.installationsFile, stringify({
      crashed: {
        pid: 1, image_class: 'DemoImage', start_time: 1,
        // Undone last to first: the scratch folder goes, then the path through the link is refused.
        paths: [join(sentinel.dir, 'file.txt'), join(paths.workDir, 'escape', 'victim'), join(paths.workDir, 'crashed-scratch')],
        mounts: [join(paths.workDir, 'escape', 'victim')],
      },
    }));
    const before = await sentinel.fingerprint();
    const result = await t.cli(['image', 'clean', 'crashed', '--yes']);
    assert.notEqual(result.exitCode, 0);
    assert.match(result.stderr, /refusing to delete .*outside the folders disklessset manages/);
    assert.equal(result.stderr.trim().split('\n').length, 1);
    assert.deepEqual(await sentinel.fingerprint(), before, 'nothing outside the root was deleted');
    assert.ok(lstatSync(join(paths.workDir, 'escape')).isSymbolicLink());
    assert.ok(!existsSync(join(paths.workDir, 'crashed-scratch')), 'what the journal names inside the work folder is cleaned');
  } finally {
    await sentinel.cleanup();
    await t.cleanup();
  }
});
