import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { legacyKey, recipeAttributes, recipeFromData } from '../../../src/core/os/recipe-data.js';
import { resolveOsRecipe } from '../../../src/core/os/recipe-prepare.js';
import { sha512Crypt } from '../../../src/core/os/password.js';
import type { OsRecipe } from '../../../src/core/os/recipe.js';
import { parseImageData } from '../../../src/core/image/image-data.js';
import { FIXTURES, makeTempRoot } from '../../helpers/temp-root.js';

const HASH = sha512Crypt('pw');
const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE ops@site';

test('a recipe kept in image_data.yml reads back the same, with ssh_pub_key holding the key itself', async () => {
  const recipe: OsRecipe = {
    kernel: 'vmlinuz-6.1.0', type: 'small', source: { kind: 'dnf' }, release: '9', packages: ['vim'], passwordHash: HASH,
    sshKey: KEY, selinux: true, optimize: false,
  };
  const data = recipeAttributes(recipe, 'livenet_type');
  assert.equal(data.ssh_pub_key, KEY);
  assert.equal(data.livenet_type, 'small');
  assert.equal(data.password, HASH);
  const back = recipeFromData(data);
  assert.equal(back.legacyKeyFile, undefined);
  assert.deepEqual(await resolveOsRecipe(back.input), recipe);
  const nfs = recipeAttributes({ ...recipe, sshKey: undefined, release: undefined }, 'os_type');
  assert.equal(nfs.os_type, 'small');
  assert.equal(nfs.ssh_pub_key, null);
  assert.deepEqual(await resolveOsRecipe(recipeFromData(nfs).input), { ...recipe, sshKey: undefined, release: undefined });
});

test('both legacy meanings of ssh_pub_key are read: the key text, or the path of the key file', () => {
  const original = { kernel: 'vmlinuz-1', password: HASH, livenet_type: 'core', livenet_size: 5120, additional_packages: [],
    release_version: '8', selinux: false, optimize: false };
  // NFS images of this tool: the text.
  assert.equal(recipeFromData({ ...original, ssh_pub_key: KEY }).input.sshKey, KEY);
  // Livenet images of this tool: the path, and the text as ssh_key.
  const ours = recipeFromData({ ...original, ssh_pub_key: '/root/.ssh/id.pub', ssh_key: KEY });
  assert.equal(ours.input.sshKey, KEY);
  assert.equal(ours.legacyKeyFile, undefined, 'the text is there: no file to read');
  // The original tool: the path only.
  const theirs = recipeFromData({ ...original, ssh_pub_key: '/root/.ssh/id_rsa.pub' }, ['livenet_size']);
  assert.equal(theirs.input.sshKey, undefined);
  assert.equal(theirs.legacyKeyFile, '/root/.ssh/id_rsa.pub');
  assert.deepEqual(theirs.rest, { livenet_size: 5120 });
  assert.equal(theirs.input.release, '8');
  assert.equal(recipeFromData({ ...original, ssh_pub_key: null }).legacyKeyFile, undefined);
});

test('an image_data.yml of the original tool reads as a recipe: its type enum, size, packages, release and key path', async () => {
  const data = parseImageData(await readFile(join(FIXTURES, 'legacy-v1-root', 'var/www/html/preboot_execution_environment/diskless/images',
    'space_image', 'image_data.yml'), 'utf8'), 'image_data.yml');
  const { input, rest, legacyKeyFile } = recipeFromData(data, ['livenet_size']);
  assert.equal(input.type, 'standard', 'Type.STANDARD');
  assert.equal(input.kernel, 'vmlinuz-4.18.0-147.el8.x86_64');
  assert.deepEqual(input.packages, ['vim', 'htop']);
  assert.equal(input.release, '8');
  assert.equal(input.optimize, true);
  assert.equal(input.source, undefined, 'the original had no source: the host default is used');
  assert.match(input.passwordHash ?? '', /^\$6\$/);
  assert.deepEqual(rest, { livenet_size: 1500 });
  assert.equal(legacyKeyFile, '/root/.ssh/id_rsa.pub');
  assert.equal(recipeFromData({ ...data, livenet_type: 'Type.MINIMAL' }).input.type, 'core');
});

test('a legacy key path is read only when it names an absolute .pub file; otherwise the rebuild is warned', async () => {
  const t = await makeTempRoot();
  try {
    const pub = join(t.root, 'id.pub');
    await writeFile(pub, `${KEY}\n`);
    assert.deepEqual(await legacyKey(pub), { sshKey: KEY });
    const secret = join(t.root, 'id_ed25519');
    await writeFile(secret, '-----BEGIN OPENSSH PRIVATE KEY-----\n');
    const skipped = await legacyKey(secret);
    assert.equal(skipped.sshKey, undefined);
    assert.match(skipped.warning ?? '', /no key is installed/);
    assert.ok(!(skipped.warning ?? '').includes('BEGIN'), 'the file was not read');
    assert.match((await legacyKey('id.pub')).warning ?? '', /absolute/);
    await assert.rejects(legacyKey(join(t.root, 'gone.pub')), { code: 'E_FILE_NOT_FOUND' });
  } finally {
    await t.cleanup();
  }
});
