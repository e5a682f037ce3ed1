/**
 * The start-of-command repair when a file of the current version was deleted
 * by hand: linked back from its published name, or, with no copy left, the
 * record kept and one warning per command until a rebuild fixes it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { builtImage } from '../../helpers/livenet-fixtures.js';

async function sameInode(a: string, b: string): Promise<boolean> {
  return (await stat(a)).ino === (await stat(b)).ino;
}

test('a versioned file deleted by hand comes back from its published link; the version is kept', async () => {
  const { t, s, dir } = await builtImage();
  try {
    const id = (await s.images.get('v1')).data.version as string;
    await rm(join(dir, `squashfs-${id}.img`));
    await rm(join(dir, `boot-${id}.ipxe`));
    const list = await t.cli(['image', 'list']);
    assert.equal(list.exitCode, 0, list.stderr);
    assert.match(list.stderr, new RegExp(`restored squashfs-${id}\\.img and boot-${id}\\.ipxe from the published copy`));
    assert.ok(await sameInode(join(dir, `squashfs-${id}.img`), join(dir, 'squashfs.img')), 'linked back, not copied');
    assert.ok(await sameInode(join(dir, `boot-${id}.ipxe`), join(dir, 'boot.ipxe')));
    assert.deepEqual((await s.images.history('v1')).map((v) => v.id), [id], 'the version record was not dropped');
    const again = await t.cli(['image', 'list']);
    assert.equal(again.stderr, '', 'nothing left to repair');
  } finally {
    await t.cleanup();
  }
});

test('with no copy left, the record is kept, every command warns once, and a rebuild brings the version back', async () => {
  const { t, s, dir } = await builtImage();
  try {
    const id = (await s.images.get('v1')).data.version as string;
    await rm(join(dir, `squashfs-${id}.img`));
    await rm(join(dir, 'squashfs.img'));
    for (const argv of [['image', 'list'], ['node', 'list']]) {
      const run = await t.cli(argv);
      assert.equal(run.exitCode, 0, run.stderr);
      const lines = run.stderr.trim().split('\n');
      assert.equal(lines.length, 1, `one line: ${run.stderr}`);
      assert.match(lines[0] ?? '', new RegExp(`^disklessset: warning: image v1: squashfs-${id}\\.img of its current version ${id} is gone.*disklessset image rebuild v1.*image rollback v1`));
    }
    assert.ok((await readdir(dir)).includes(`version-${id}.yml`), 'the record is kept');
    assert.equal((await s.images.get('v1')).data.version, id);
    const rebuilt = await t.cli(['image', 'rebuild', 'v1']);
    assert.equal(rebuilt.exitCode, 0, rebuilt.stderr);
    assert.equal((await s.images.get('v1')).data.version, id, 'the same tree rebuilds the same version');
    assert.ok(await sameInode(join(dir, `squashfs-${id}.img`), join(dir, 'squashfs.img')));
    const after = await t.cli(['image', 'list']);
    assert.equal(after.stderr, '', 'no warning once fixed');
  } finally {
    await t.cleanup();
  }
});

test('a content manifest goes with its version: one left without a record (a killed publication) is removed by the next command', async () => {
  const { t, s, dir } = await builtImage();
  try {
    const current = String((await s.images.get('v1')).data.version);
    assert.ok((await readdir(dir)).includes(`manifest-${current}.tsv`), 'a build publishes its manifest');
    await writeFile(join(dir, 'manifest-0123456789ab.tsv'), 'left by a kill\n');
    const next = await t.cli(['image', 'list']);
    assert.equal(next.exitCode, 0, next.stderr);
    assert.match(next.stderr, /removed 1 unfinished version/);
    const files = await readdir(dir);
    assert.ok(!files.includes('manifest-0123456789ab.tsv'));
    assert.ok(files.includes(`manifest-${current}.tsv`), 'the current version keeps its manifest');
  } finally {
    await t.cleanup();
  }
});
