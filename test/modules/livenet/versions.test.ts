import { test } from 'node:test';
import assert from 'node:assert/strict';
import { link, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Paths } from '../../../src/core/paths.js';
import { resizeLivenet } from '../../../src/modules/livenet/maintenance.js';
import { nodeScriptPath } from '../../../src/boot/boot-paths.js';
import { builtImage, TEST_KERNEL } from '../../helpers/livenet-fixtures.js';

async function sameInode(a: string, b: string): Promise<boolean> {
  return (await stat(a)).ino === (await stat(b)).ino;
}

test('a create publishes a version: files named by a content hash, boot.ipxe and squashfs.img are links to them', async () => {
  const { t, s, dir } = await builtImage();
  try {
    const [version, ...more] = await s.images.history('v1');
    assert.ok(version && more.length === 0);
    assert.match(version.id, /^[0-9a-f]{12}$/);
    assert.equal(version.current, true);
    assert.equal(version.kernel, TEST_KERNEL);
    assert.equal(version.command, 'livenet create v1');
    assert.ok(version.rootBytes > 0 && (version.treeBytes ?? 0) > 0);
    assert.ok(await sameInode(join(dir, 'boot.ipxe'), join(dir, `boot-${version.id}.ipxe`)));
    assert.ok(await sameInode(join(dir, 'squashfs.img'), join(dir, `squashfs-${version.id}.img`)));
    assert.match(await readFile(join(dir, 'boot.ipxe'), 'utf8'), new RegExp(`root=live:http://\\S+/v1/squashfs-${version.id}\\.img`),
      'nodes fetch the versioned file, which never changes, so caches may keep it');
    const json = await t.cli(['image', 'history', 'v1', '--json']);
    assert.equal(json.exitCode, 0, json.stderr);
    assert.equal(JSON.parse(json.stdout).versions[0].id, version.id);
  } finally {
    await t.cleanup();
  }
});

test('resize and kernel changes publish versions; rollback is explicit, idempotent and restores the settings', async () => {
  const { t, s, dir } = await builtImage();
  try {
    const [created] = await s.images.history('v1');
    await resizeLivenet(s, 'v1', 200);
    const [resized] = await s.images.history('v1');
    assert.ok(created && resized && resized.id !== created.id && resized.current);
    assert.equal(resized.attributes.livenet_size, 200);

    const back = await t.cli(['image', 'rollback', 'v1', '--to', 'previous']);
    assert.equal(back.exitCode, 0, back.stderr);
    assert.match(back.stdout, new RegExp(`from version ${resized.id} to ${created.id}`));
    const shown = JSON.parse((await t.cli(['--json', 'image', 'show', 'v1'])).stdout) as { attributes: { version: string; previousVersion: string } };
    assert.deepEqual([shown.attributes.version, shown.attributes.previousVersion], [created.id, resized.id],
      'previousVersion names the version booted before the rollback');
    assert.equal((await s.images.get('v1')).data.livenet_size, 128, 'the size of the restored version comes back');
    assert.ok(await sameInode(join(dir, 'squashfs.img'), join(dir, `squashfs-${created.id}.img`)));
    const again = await t.cli(['image', 'rollback', 'v1', '--to', 'previous']);
    assert.equal(again.exitCode, 0, again.stderr);
    assert.match(again.stdout, /nothing changed/, 'a second rollback does not toggle back');

    const forward = await t.cli(['livenet', 'rollback', 'v1', '--to', resized.id]);
    assert.equal(forward.exitCode, 0, forward.stderr);
    assert.equal((await s.images.get('v1')).data.version, resized.id);
    assert.equal((await s.images.rollback('v1', resized.id)).changed, false);

    const missing = await t.cli(['image', 'rollback', 'v1', '--to', '0123456789ab']);
    assert.equal(missing.exitCode, 1, missing.stderr);
    assert.match(missing.stderr, /keeps no version 0123456789ab/);
    for (const to of ['latest', 'ABCDEF01234', '../x']) {
      const refused = await t.cli(['image', 'rollback', 'v1', '--to', to]);
      assert.equal(refused.exitCode, 2, refused.stderr);
      assert.equal(refused.stderr.trim().split('\n').length, 1);
    }
  } finally {
    await t.cleanup();
  }
});

test('versions_kept bounds the kept versions; the current one and pinned ones are never dropped', async () => {
  const { t, s, dir } = await builtImage('versions_kept: 2\n');
  try {
    const [first] = await s.images.history('v1');
    assert.ok(first);
    await t.cli(['node', 'add', 'c001', '--image', `v1@${first.id}`]).then((r) => assert.equal(r.exitCode, 0, r.stderr));
    const script = await readFile(nodeScriptPath(s.paths, 'c001'), 'utf8');
    assert.match(script, new RegExp(`chain http://\\S+/v1/boot-${first.id}\\.ipxe`), 'a pinned node chains to its version\'s boot file');
    for (const size of [150, 170, 190]) await resizeLivenet(s, 'v1', size);
    const kept = (await s.images.history('v1')).map((v) => v.id);
    assert.equal(kept.length, 3, 'two newest, plus the pinned one');
    assert.ok(kept.includes(first.id));
    const files = await readdir(dir);
    assert.equal(files.filter((f) => /^squashfs-[0-9a-f]{12}\.img$/.test(f)).length, 3, 'the files of dropped versions are gone');

    const unknown = await t.cli(['node', 'set', 'c001', '--image', 'v1@0123456789ab']);
    assert.equal(unknown.exitCode, 1, unknown.stderr);
    assert.match(unknown.stderr, /keeps no version 0123456789ab/);
    const bad = await t.cli(['node', 'set', 'c001', '--image', 'v1@latest']);
    assert.equal(bad.exitCode, 2, bad.stderr);
    // With one version kept, the one before the current is pruned: `--to previous` says so and points at --to VERSION.
    await writeFile(Paths.configFile(t.root), 'versions_kept: 1\n');
    const resized = await t.cli(['livenet', 'resize', 'v1', '210M']);
    assert.equal(resized.exitCode, 0, resized.stderr);
    const previous = await t.cli(['image', 'rollback', 'v1', '--to', 'previous']);
    assert.equal(previous.exitCode, 1, previous.stderr);
    assert.match(previous.stderr, /cannot roll back to previous: the version published before the current one, [0-9a-f]{12}, is no longer kept; roll back with --to VERSION/);
    const removed = await t.cli(['image', 'remove', 'v1', '--yes']);
    assert.notEqual(removed.exitCode, 0, 'a node pinned to a version boots the image: removal is refused');
    assert.match(removed.stderr, /c001/);
  } finally {
    await t.cleanup();
  }
});

test('the next command removes an unfinished version and publishes the current one again', async () => {
  const { t, s, dir } = await builtImage();
  try {
    const [current] = await s.images.history('v1');
    assert.ok(current);
    // What a publication killed half-way leaves: a version's files without its record, boot.ipxe already switched.
    const half = 'aaaaaaaaaaaa';
    await link(join(dir, `squashfs-${current.id}.img`), join(dir, `squashfs-${half}.img`));
    await writeFile(join(dir, `boot-${half}.ipxe`), '#!ipxe\n');
    await rm(join(dir, 'boot.ipxe'));
    await link(join(dir, `boot-${half}.ipxe`), join(dir, 'boot.ipxe'));
    const list = await t.cli(['image', 'list']);
    assert.equal(list.exitCode, 0, list.stderr);
    assert.match(list.stderr, /removed 1 unfinished version.*published version/);
    const files = await readdir(dir);
    assert.ok(!files.some((f) => f.includes(half)));
    assert.ok(await sameInode(join(dir, 'boot.ipxe'), join(dir, `boot-${current.id}.ipxe`)));
  } finally {
    await t.cleanup();
  }
});

test('the history names the rebuild command the user ran: `image rebuild` or `livenet rebuild`', async () => {
  const { t, s } = await builtImage();
  try {
    const tree = join(t.root, (await readdir(t.root)).find((entry) => entry.startsWith('busybox-tree-')) ?? 'missing');
    for (const [round, command] of [['one', ['image', 'rebuild', 'v1']], ['two', ['livenet', 'rebuild', 'v1']]] as const) {
      // A changed tree: the rebuild makes a new version rather than report `unchanged`.
      await writeFile(join(tree, 'etc', 'round'), `${round}\n`);
      const rebuilt = await t.cli([...command]);
      assert.equal(rebuilt.exitCode, 0, rebuilt.stderr);
      assert.equal((await s.images.history('v1'))[0]?.command, command.join(' '));
    }
  } finally {
    await t.cleanup();
  }
});
