/**
 * What a rollback takes from a version record (versions.ts restoredAttributes):
 * a record is a file under the image folder that a user may have edited, so
 * only the attributes versions record come back, with the kernel and
 * initramfs the rollback checked.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TEST_KERNEL, withTwoVersions } from '../../helpers/livenet-fixtures.js';

const INITRAMFS = TEST_KERNEL.replace(/^vmlinuz-/, 'initramfs-kernel-');

test('a rollback restores only the recorded settings: keys added to a record by hand (name, password) and edited kernel paths under attributes are not taken', () => withTwoVersions(async ({ t, s, dir, created }) => {
  const passwordBefore = (await s.images.get('v1')).data.password;
  const record = join(dir, `version-${created.id}.yml`);
  const text = await readFile(record, 'utf8');
  await writeFile(record, text
    .replace(`\n  kernel: ${TEST_KERNEL}`, '\n  kernel: ../../../../etc/shadow')
    .replace(`\n  image: ${INITRAMFS}`, '\n  image: ../../../../etc/passwd\n  name: elsewhere\n  password: planted\n  is_mounted: true'));

  const rolled = await t.cli(['image', 'rollback', 'v1', '--to', created.id]);
  assert.equal(rolled.exitCode, 0, rolled.stderr);
  const image = await s.images.get('v1');
  assert.equal(image.data.kernel, TEST_KERNEL, 'the kernel the record names at top level (checked), not the edited copy');
  assert.equal(image.data.image, INITRAMFS);
  assert.equal(image.data.password, passwordBefore, 'a key versions never record is not restored');
  assert.notEqual(image.data.is_mounted, true);
  assert.equal(image.data.version, created.id, 'the same version: its boot file is what it was');
  assert.deepEqual(await readdir(s.paths.imagesDir), ['v1'], 'no other image folder touched');
  const boot = await readFile(join(dir, 'boot.ipxe'), 'utf8');
  assert.doesNotMatch(boot, /etc\/(shadow|passwd)/);
  const shown = await t.cli(['image', 'show', 'v1']);
  assert.equal(shown.exitCode, 0, shown.stderr);
  assert.doesNotMatch(shown.stdout, /DAMAGED/);
}));

test('a rollback to a version whose record names an initramfs that is no initramfs file is refused in one line, changing nothing', () => withTwoVersions(async ({ t, s, dir, created, resized }) => {
  const record = join(dir, `version-${created.id}.yml`);
  // A file the kernels folder does hold, but not an initramfs: the listing check alone would let it through.
  await writeFile(record, (await readFile(record, 'utf8')).replace(/^initramfs: .*$/m, `initramfs: ${TEST_KERNEL}`));
  const refused = await t.cli(['image', 'rollback', 'v1', '--to', created.id]);
  assert.equal(refused.exitCode, 2, refused.stderr);
  assert.equal(refused.stderr.trim().split('\n').length, 1, refused.stderr);
  assert.match(refused.stderr, /names no valid initramfs file/);
  assert.equal((await s.images.get('v1')).data.version, resized.id);
}));
