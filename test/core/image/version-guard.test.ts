/**
 * The start-of-command repair never deletes the files of the current version
 * or of a pinned one, even when their record is gone: nodes boot them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { builtImage } from '../../helpers/livenet-fixtures.js';
import { resizeLivenet } from '../../../src/modules/livenet/maintenance.js';

test('the current version\'s record deleted by hand is made again from image_data.yml; no file of it is removed', async () => {
  const { t, s, dir } = await builtImage();
  try {
    const id = (await s.images.get('v1')).data.version as string;
    const [before] = await s.images.history('v1');
    await rm(join(dir, `version-${id}.yml`));
    const list = await t.cli(['image', 'list']);
    assert.equal(list.exitCode, 0, list.stderr);
    assert.doesNotMatch(list.stderr, /removed/);
    assert.match(list.stderr, new RegExp(`made the record of its current version ${id} again from image_data.yml`));
    const files = await readdir(dir);
    for (const file of [`squashfs-${id}.img`, `boot-${id}.ipxe`, 'squashfs.img', 'boot.ipxe']) assert.ok(files.includes(file), `${file} kept`);
    const [after] = await s.images.history('v1');
    assert.equal(after?.id, id);
    assert.equal(after?.rootSha256, before?.rootSha256);
    assert.equal(after?.rootBytes, before?.rootBytes);
    assert.equal(after?.kernel, before?.kernel);
    const again = await t.cli(['image', 'list']);
    assert.equal(again.stderr, '', 'nothing left to repair');
  } finally {
    await t.cleanup();
  }
});

test('when the record cannot be made again honestly, the files are kept and every command warns', async () => {
  const { t, s, dir } = await builtImage();
  try {
    const id = (await s.images.get('v1')).data.version as string;
    await rm(join(dir, `version-${id}.yml`));
    // image_data.yml no longer names the bytes of the root file: a record made from it would lie.
    const dataFile = join(dir, 'image_data.yml');
    await writeFile(dataFile, (await readFile(dataFile, 'utf8')).replace(/root_sha256: \S+/, `root_sha256: ${'0'.repeat(64)}`));
    for (const argv of [['image', 'list'], ['node', 'list']]) {
      const run = await t.cli(argv);
      assert.equal(run.exitCode, 0, run.stderr);
      const lines = run.stderr.trim().split('\n');
      assert.equal(lines.length, 1, run.stderr);
      assert.match(lines[0] ?? '', new RegExp(`warning: image v1: version-${id}\\.yml of its current version ${id} is missing.*files are kept.*image rebuild v1`));
    }
    const files = await readdir(dir);
    assert.ok(files.includes(`squashfs-${id}.img`) && files.includes(`boot-${id}.ipxe`), 'the files nodes boot are kept');
  } finally {
    await t.cleanup();
  }
});

test('a pinned version is never deleted by the repair; its lost files are named with the nodes pinned to it', async () => {
  const { t, s, dir } = await builtImage();
  try {
    const pinned = (await s.images.get('v1')).data.version as string;
    for (const node of ['c1', 'c2']) {
      const added = await t.cli(['node', 'add', node, '--image', `v1@${pinned}`]);
      assert.equal(added.exitCode, 0, added.stderr);
    }
    await resizeLivenet(s, 'v1', 150);
    assert.notEqual((await s.images.get('v1')).data.version, pinned);
    await rm(join(dir, `version-${pinned}.yml`));
    const list = await t.cli(['image', 'list']);
    assert.equal(list.exitCode, 0, list.stderr);
    assert.doesNotMatch(list.stderr, /removed/);
    assert.match(list.stderr, new RegExp(`warning: image v1: version-${pinned}\\.yml of version ${pinned}, pinned by c\\[1-2\\], is gone`));
    const files = await readdir(dir);
    assert.ok(files.includes(`squashfs-${pinned}.img`) && files.includes(`boot-${pinned}.ipxe`), 'the pinned files are kept');

    await rm(join(dir, `squashfs-${pinned}.img`));
    for (const argv of [['image', 'list'], ['node', 'list']]) {
      const run = await t.cli(argv);
      assert.equal(run.exitCode, 0, run.stderr);
      const lines = run.stderr.trim().split('\n');
      assert.equal(lines.length, 1, run.stderr);
      assert.match(lines[0] ?? '', new RegExp(`version-${pinned}\\.yml and squashfs-${pinned}\\.img of version ${pinned}, pinned by c\\[1-2\\], are gone.*disklessset node set c\\[1-2\\] --image v1`));
    }
    // Unpinned, the half-removed version is an unfinished one again: the repair removes it.
    const unpinned = await t.cli(['node', 'set', 'c[1-2]', '--image', 'v1']);
    assert.equal(unpinned.exitCode, 0, unpinned.stderr);
    const next = await t.cli(['image', 'list']);
    assert.match(next.stderr, /removed 1 unfinished version/);
    assert.ok(!(await readdir(dir)).some((file) => file.includes(pinned)), 'no file of the version is left');
  } finally {
    await t.cleanup();
  }
});

test('an unreadable record is named by the command that reads records: an unpinned old version is removed, the current one\'s record made again', async () => {
  const { t, s, dir } = await builtImage();
  try {
    const old = (await s.images.get('v1')).data.version as string;
    await resizeLivenet(s, 'v1', 150);
    const current = (await s.images.get('v1')).data.version as string;
    // Cut after its first line (`id: <id>`): still unreadable as a record.
    const oldRecord = join(dir, `version-${old}.yml`);
    await writeFile(oldRecord, (await readFile(oldRecord, 'utf8')).slice(0, 30));
    await writeFile(join(dir, `version-${current}.yml`), '{{{\n');
    // Commands that read no record (image list: every image, every time) leave records unread; nodes never read them.
    const list = await t.cli(['image', 'list']);
    assert.equal(list.exitCode, 0, list.stderr);
    assert.equal(list.stderr, '');
    const history = await t.cli(['image', 'history', 'v1']);
    assert.equal(history.exitCode, 0, history.stderr);
    assert.match(history.stderr, new RegExp(`warning: image v1: version-${old}\\.yml was unreadable`));
    assert.match(history.stderr, new RegExp(`made the record of its current version ${current} again`));
    assert.match(history.stdout, new RegExp(`^${current} \\*`, 'm'), 'the history lists the current version, its record made again');
    const files = await readdir(dir);
    assert.ok(!files.some((file) => file.includes(old)), 'the unreadable old version is gone');
    assert.ok(files.includes(`squashfs-${current}.img`), 'the current one is kept');
    assert.deepEqual((await s.images.history('v1')).map((v) => v.id), [current]);
    assert.equal((await t.cli(['image', 'history', 'v1'])).stderr, '', 'said once');
  } finally {
    await t.cleanup();
  }
});

test('rollback reads the records first: an unreadable one is named there; pinned and current versions keep their files', async () => {
  const { t, s, dir } = await builtImage();
  try {
    const old = (await s.images.get('v1')).data.version as string;
    await resizeLivenet(s, 'v1', 150);
    const middle = (await s.images.get('v1')).data.version as string;
    await resizeLivenet(s, 'v1', 160);
    const current = (await s.images.get('v1')).data.version as string;
    assert.equal((await t.cli(['node', 'add', 'c1', '--image', `v1@${old}`])).exitCode, 0);
    for (const id of [old, middle]) await writeFile(join(dir, `version-${id}.yml`), 'truncated');
    const rollback = await t.cli(['image', 'rollback', 'v1', '--to', current]);
    assert.equal(rollback.exitCode, 0, rollback.stderr);
    assert.match(rollback.stderr, new RegExp(`version-${middle}\\.yml was unreadable`));
    const files = await readdir(dir);
    assert.ok(!files.some((file) => file.includes(middle)), 'the unpinned one is removed');
    assert.ok(files.includes(`squashfs-${old}.img`) && files.includes(`squashfs-${current}.img`), 'pinned and current versions keep their files');
  } finally {
    await t.cleanup();
  }
});
