/**
 * Refusals around image versions: a rollback to a version whose kernel or
 * initramfs is gone, and the one error of an unknown version wherever it is
 * named; version ids in upper case name the same version; a damaged version
 * (root image truncated) is refused wherever it is named, and warned about
 * while nodes pin it; `image diff` reads under the image lock.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdir, readFile, rename, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { builtImage, TEST_KERNEL, withTwoVersions } from '../../helpers/livenet-fixtures.js';

const INITRAMFS = TEST_KERNEL.replace(/^vmlinuz-/, 'initramfs-kernel-');

/** The code of a refusal printed under --json (one JSON object on stderr). */
function codeOf(stderr: string): string {
  return (JSON.parse(stderr) as { code: string }).code;
}

test('a rollback to a version whose kernel or initramfs left the kernels folder is refused, changing nothing, naming the command that brings it back', () => withTwoVersions(async ({ t, s, dir, created, resized }) => {
  const published = (await stat(join(dir, 'boot.ipxe'))).ino;
  const aside = join(t.root, 'aside');
  await rename(join(s.paths.kernelsDir, TEST_KERNEL), aside);
  const noKernel = await t.cli(['image', 'rollback', 'v1', '--to', created.id]);
  assert.equal(noKernel.exitCode, 2, noKernel.stderr);
  assert.equal(noKernel.stderr.trim().split('\n').length, 1, 'one line');
  assert.match(noKernel.stderr, new RegExp(`its kernel ${TEST_KERNEL} is no longer in the kernels folder.*disklessset kernel add`));
  assert.equal((await s.images.get('v1')).data.version, resized.id, 'still the version it was');
  assert.equal((await stat(join(dir, 'boot.ipxe'))).ino, published, 'boot.ipxe untouched');

  await rename(aside, join(s.paths.kernelsDir, TEST_KERNEL));
  await rename(join(s.paths.kernelsDir, INITRAMFS), aside);
  const noInitramfs = await t.cli(['image', 'rollback', 'v1', '--to', created.id, '--json']);
  assert.equal(noInitramfs.exitCode, 2, noInitramfs.stderr);
  assert.equal(codeOf(noInitramfs.stderr), 'E_ROLLBACK_KERNEL_MISSING');
  assert.match(noInitramfs.stderr, new RegExp(`disklessset kernel initramfs ${TEST_KERNEL}`));
  assert.equal((await s.images.get('v1')).data.version, resized.id);

  await rename(aside, join(s.paths.kernelsDir, INITRAMFS));
  const record = join(dir, `version-${created.id}.yml`);
  const kept = await readFile(record, 'utf8');
  await writeFile(record, kept.split(TEST_KERNEL).join('../../../../etc/passwd'));
  const edited = await t.cli(['image', 'rollback', 'v1', '--to', created.id]);
  assert.equal(edited.exitCode, 2, edited.stderr);
  assert.ok(!edited.stderr.includes('passwd'), `an invalid name is never echoed into a hint: ${edited.stderr}`);
  await writeFile(record, kept);
  const back = await t.cli(['image', 'rollback', 'v1', '--to', created.id]);
  assert.equal(back.exitCode, 0, back.stderr);
  assert.equal((await s.images.get('v1')).data.version, created.id, 'with its files back, the rollback goes through');
}));

test('an unknown version is E_VERSION_NOT_FOUND (exit 1) for history, rollback, diff and node pinning; upper-case ids name the same version', async () => {
  const { t, s } = await builtImage();
  try {
    const [current] = await s.images.history('v1');
    assert.ok(current);
    const unknown = 'v1@0123456789ab';
    for (const argv of [['image', 'history', unknown], ['image', 'rollback', 'v1', '--to', '0123456789ab'],
      ['image', 'diff', unknown, 'v1'], ['image', 'diff', 'v1', unknown], ['node', 'add', 'c001', '--image', unknown]]) {
      const refused = await t.cli([...argv, '--json']);
      assert.equal(refused.exitCode, 1, `${argv.join(' ')}: ${refused.stderr}`);
      assert.equal(codeOf(refused.stderr), 'E_VERSION_NOT_FOUND', argv.join(' '));
      assert.match(refused.stderr, new RegExp(`keeps no version 0123456789ab.*v1@${current.id}`), 'the hint lists the versions kept');
    }
    await t.cli(['node', 'add', 'c001', '--image', 'v1']).then((r) => assert.equal(r.exitCode, 0, r.stderr));
    const pinned = await t.cli(['node', 'set', 'c001', '--image', unknown, '--json']);
    assert.equal(pinned.exitCode, 1, pinned.stderr);
    assert.equal(codeOf(pinned.stderr), 'E_VERSION_NOT_FOUND');

    const upper = current.id.toUpperCase();
    assert.notEqual(upper, current.id, 'the id has letters');
    const history = await t.cli(['image', 'history', `v1@${upper}`, '--json']);
    assert.equal(history.exitCode, 0, history.stderr);
    assert.deepEqual((JSON.parse(history.stdout) as { versions: { id: string }[] }).versions.map((v) => v.id), [current.id]);
    const set = await t.cli(['node', 'set', 'c001', '--image', `v1@${upper}`]);
    assert.equal(set.exitCode, 0, set.stderr);
    const [node] = await s.inventory.effectiveNodes('c001');
    assert.equal(node?.attributes.image, `v1@${current.id}`, 'saved lower-cased');
    const rollback = await t.cli(['image', 'rollback', 'v1', '--to', upper]);
    assert.equal(rollback.exitCode, 0, rollback.stderr);
    assert.match(rollback.stdout, /nothing changed/, 'the upper-case id is the current version');
    const asListed = await t.cli(['image', 'rollback', 'v1', '--to', `v1@${current.id}`]);
    assert.equal(asListed.exitCode, 0, `--to NAME@ID, as the hint lists versions: ${asListed.stderr}`);
    assert.match(asListed.stdout, /nothing changed/);
    const otherImage = await t.cli(['image', 'rollback', 'v1', '--to', `v2@${current.id}`, '--json']);
    assert.equal(otherImage.exitCode, 2, otherImage.stderr);
    assert.equal(codeOf(otherImage.stderr), 'E_ROLLBACK_TARGET', 'a version of another image is no target');

    const noName = await t.cli(['image', 'diff', `@${current.id}`, 'v1']);
    assert.equal(noName.exitCode, 2, noName.stderr);
    assert.match(noName.stderr, /no image name before the @ in "@[0-9a-f]{12}"/);
  } finally {
    await t.cleanup();
  }
});

test('a rollback to a version whose root image was truncated or overwritten is refused (E_VERSION_DAMAGED), changing nothing', () => withTwoVersions(async ({ t, s, dir, created, resized, root }) => {
  const published = (await stat(join(dir, 'boot.ipxe'))).ino;
  const bytes = await readFile(root);
  await truncate(root, 1000);
  const truncated = await t.cli(['image', 'rollback', 'v1', '--to', created.id, '--json']);
  assert.equal(truncated.exitCode, 1, truncated.stderr);
  assert.equal(truncated.stderr.trim().split('\n').length, 1, 'one line');
  assert.equal(codeOf(truncated.stderr), 'E_VERSION_DAMAGED');
  assert.match(truncated.stderr, /has 1000 bytes where its record says/);
  assert.equal((await s.images.get('v1')).data.version, resized.id, 'still the version it was');
  assert.equal((await stat(join(dir, 'boot.ipxe'))).ino, published, 'boot.ipxe untouched');

  // Same size, other bytes: only the sha256 tells.
  bytes.writeUInt8((bytes.readUInt8(bytes.length - 1) ^ 0xff), bytes.length - 1);
  await writeFile(root, bytes);
  const overwritten = await t.cli(['image', 'rollback', 'v1', '--to', 'previous']);
  assert.equal(overwritten.exitCode, 1, overwritten.stderr);
  assert.match(overwritten.stderr, /does not have the sha256 its record names/);
  assert.equal((await s.images.get('v1')).data.version, resized.id);
}));

test('a version whose root image was truncated cannot be pinned or diffed (E_VERSION_DAMAGED, one line); while pinned, every command warns', () => withTwoVersions(async ({ t, s, created, root }) => {
  const bytes = await readFile(root);
  await truncate(root, 1000);
  await t.cli(['node', 'add', 'c001,c002', '--image', 'v1']).then((r) => assert.equal(r.exitCode, 0, r.stderr));
  const inventory = await readFile(s.paths.inventoryFile, 'utf8');
  for (const argv of [['node', 'set', 'c002', '--image', `v1@${created.id}`], ['node', 'add', 'c003', '--image', `v1@${created.id}`],
    ['profile', 'add', 'p1', '--image', `v1@${created.id}`], ['image', 'diff', `v1@${created.id}`, 'v1']]) {
    const refused = await t.cli([...argv, '--json']);
    assert.equal(refused.exitCode, 1, `${argv.join(' ')}: ${refused.stderr}`);
    assert.equal(refused.stderr.trim().split('\n').length, 1, `one line: ${refused.stderr}`);
    assert.equal(codeOf(refused.stderr), 'E_VERSION_DAMAGED', argv.join(' '));
    assert.match(refused.stderr, /has 1000 bytes where its record says.*image rebuild v1/, argv.join(' '));
    assert.doesNotMatch(refused.stderr, /unsquashfs/, 'no tool output');
  }
  assert.equal(await readFile(s.paths.inventoryFile, 'utf8'), inventory, 'nothing pinned');

  // Pinned while intact, damaged afterwards: each command says so, naming the nodes and the fix (a stat, no hash).
  await writeFile(root, bytes);
  await t.cli(['node', 'set', 'c002', '--image', `v1@${created.id}`]).then((r) => assert.equal(r.exitCode, 0, r.stderr));
  await truncate(root, 1000);
  const listed = await t.cli(['image', 'list']);
  assert.equal(listed.exitCode, 0, listed.stderr);
  const warning = listed.stderr.split('\n').filter((line) => line.includes('damaged'));
  assert.equal(warning.length, 1, listed.stderr);
  assert.match(warning[0] ?? '', new RegExp(`image v1: version ${created.id} pinned by c002 is damaged .*has 1000 bytes.*node set c002 --image v1`));
}));

test('image diff reads the versions holding the image lock (no rebuild can prune them meanwhile), liveos ones mounted in place, nothing unpacked', () => withTwoVersions(async ({ t, s, created }) => {
  // Failure-injection wrappers: they record whether the image's lock is held when a tool reads, then run the real tool.
  const bin = join(t.root, 'fake-bin');
  const mark = join(t.root, 'tools-seen');
  await mkdir(bin);
  for (const [tool, real] of [['mount', '/usr/bin/mount'], ['unsquashfs', '/usr/bin/unsquashfs']] as const) {
    await writeFile(join(bin, tool), `#!/bin/sh\nif [ -d '${s.paths.imageLock('v1')}.lock' ]; then echo ${tool} held >> '${mark}'; `
      + `else echo ${tool} free >> '${mark}'; fi\nexec ${real} "$@"\n`);
    await chmod(join(bin, tool), 0o755);
  }
  const diff = await t.cliProcess(['image', 'diff', `v1@${created.id}`, 'v1'], { env: { PATH: `${bin}:${process.env.PATH ?? ''}` } });
  assert.equal(diff.exitCode, 0, diff.stderr);
  const seen = (await readFile(mark, 'utf8')).trim().split('\n');
  assert.equal(seen.filter((line) => line.startsWith('mount ')).length, 4, `two mounts per version: ${seen.join(', ')}`);
  assert.deepEqual([...new Set(seen)], ['mount held'], 'under the lock, and no rootfs.img copied out by unsquashfs');
}));

test('image rollback NAME@ID says the version goes in --to; image history shows a hand-edited kernel path as invalid', async () => {
  const { t, s, dir } = await builtImage();
  try {
    const [created] = await s.images.history('v1');
    assert.ok(created);
    const refused = await t.cli(['image', 'rollback', `v1@${created.id}`, '--to', 'previous']);
    assert.equal(refused.exitCode, 2, refused.stderr);
    assert.match(refused.stderr, new RegExp(`version goes in --to.*image rollback v1 --to ${created.id}`));
    assert.doesNotMatch(refused.stderr, /invalid image name/);

    const record = join(dir, `version-${created.id}.yml`);
    await writeFile(record, (await readFile(record, 'utf8')).replace(/^kernel: .*$/m, 'kernel: ../../../../etc/passwd'));
    const history = await t.cli(['image', 'history', 'v1']);
    assert.equal(history.exitCode, 0, history.stderr);
    assert.doesNotMatch(history.stdout, /passwd/);
    assert.match(history.stdout, /<invalid kernel name>/);
  } finally {
    await t.cleanup();
  }
});
