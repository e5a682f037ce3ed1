import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempRoot } from '../../helpers/temp-root.js';
import { sha512Crypt } from '../../../src/core/os/password.js';
import { addDummyKernel, makeBusyboxTree, TEST_KERNEL } from '../../helpers/livenet-fixtures.js';
import { buildEpoch, environmentEpoch, imageUuid } from '../../../src/modules/livenet/reproducible.js';
import { UsageError } from '../../../src/errors/index.js';

async function sha256(file: string): Promise<string> {
  return createHash('sha256').update(await readFile(file)).digest('hex');
}

for (const layout of ['liveos', 'flat'] as const) {
  test(`${layout}: building the same tree twice gives the same bytes; the rebuild says unchanged and keeps no new version`, async () => {
    const t = await makeTempRoot();
    try {
      const tree = await makeBusyboxTree(t.root);
      // Every systemd tree holds unit names with escapes like this one (a backslash in the file name).
      await mkdir(join(tree, 'usr', 'lib', 'systemd', 'system'), { recursive: true });
      await writeFile(join(tree, 'usr', 'lib', 'systemd', 'system', 'system-systemd\\x2dcryptsetup.slice'), '[Unit]\n');
      const s = await t.services();
      await addDummyKernel(s.paths.kernelsDir);
      const create = await t.cli(['livenet', 'create', 'r1', '--kernel', TEST_KERNEL, '--source', `dir:${tree}`, '--password-hash', sha512Crypt('pw'),
        '--layout', layout, ...(layout === 'liveos' ? ['--size', '128M'] : [])]);
      assert.equal(create.exitCode, 0, create.stderr);
      const published = join(s.paths.imageDir('r1'), 'squashfs.img');
      const first = await sha256(published);
      const [built] = await s.images.history('r1');
      assert.ok(built);

      const rebuild = await t.cli(['image', 'rebuild', 'r1']);
      assert.equal(rebuild.exitCode, 0, rebuild.stderr);
      assert.equal(await sha256(published), first, 'the same published bytes');
      assert.match(rebuild.stdout, new RegExp(`unchanged .*${built.id}`));
      const versions = await s.images.history('r1');
      assert.deepEqual(versions.map((v) => v.id), [built.id], 'no new version is kept');
      assert.equal(versions[0]?.date, built.date, 'the version is the one built first');

      const json = await t.cli(['--json', 'livenet', 'rebuild', 'r1']);
      assert.equal(json.exitCode, 0, json.stderr);
      assert.equal(JSON.parse(json.stdout).unchanged, true);
    } finally {
      await t.cleanup();
    }
  });
}

test('SOURCE_DATE_EPOCH wins over the image\'s own epoch; the file system UUID is the image\'s own', () => {
  assert.equal(buildEpoch(1_700_000_000, { SOURCE_DATE_EPOCH: '1600000000' }), 1_600_000_000);
  assert.equal(buildEpoch(1_700_000_000, {}), 1_700_000_000);
  assert.equal(buildEpoch(0, {}) > 1_700_000_000, true, 'a saved 0 (accepted before) is replaced: e2fsprogs cannot keep it');
  assert.equal(imageUuid('a'), imageUuid('a'));
  assert.notEqual(imageUuid('a'), imageUuid('b'));
  assert.match(imageUuid('a'), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});

test('a SOURCE_DATE_EPOCH that is no usable epoch is refused, 0 included (e2fsprogs takes 0 as unset)', () => {
  for (const value of ['0', 'abc', '-5', '1.5', '99999999999999', ' ', ' 123', '4294967296']) {
    assert.throws(() => environmentEpoch({ SOURCE_DATE_EPOCH: value }),
      (error: unknown) => error instanceof UsageError && error.code === 'E_SOURCE_DATE_EPOCH' && error.message.includes('SOURCE_DATE_EPOCH='), value);
  }
  assert.equal(environmentEpoch({ SOURCE_DATE_EPOCH: '1' }), 1);
  assert.equal(environmentEpoch({ SOURCE_DATE_EPOCH: '4294967295' }), 4_294_967_295);
  assert.equal(environmentEpoch({}), undefined);
});

test('an exported but empty SOURCE_DATE_EPOCH is taken as unset (the reproducible-builds convention), not refused', () => {
  assert.equal(environmentEpoch({ SOURCE_DATE_EPOCH: '' }), undefined);
  assert.equal(buildEpoch(1_700_000_000, { SOURCE_DATE_EPOCH: '' }), 1_700_000_000, 'the image keeps its own epoch');
});

test('image rebuild: a bad SOURCE_DATE_EPOCH exits 2 changing nothing; a new one is said to replace the saved epoch', async () => {
  const t = await makeTempRoot();
  try {
    const tree = await makeBusyboxTree(t.root);
    const s = await t.services();
    await addDummyKernel(s.paths.kernelsDir);
    const create = await t.cli(['livenet', 'create', 'e1', '--kernel', TEST_KERNEL, '--source', `dir:${tree}`, '--password-hash', sha512Crypt('pw'), '--layout', 'flat']);
    assert.equal(create.exitCode, 0, create.stderr);
    const dataFile = join(s.paths.imageDir('e1'), 'image_data.yml');
    const before = await readFile(dataFile, 'utf8');
    for (const value of ['0', 'abc']) {
      const refused = await t.cliProcess(['image', 'rebuild', 'e1'], { env: { SOURCE_DATE_EPOCH: value } });
      assert.equal(refused.exitCode, 2, refused.stderr);
      assert.match(refused.stderr, new RegExp(`SOURCE_DATE_EPOCH=${value} .*from 1 to 4294967295`));
      assert.equal(refused.stderr.trim().split('\n').length, 1, refused.stderr);
    }
    assert.equal(await readFile(dataFile, 'utf8'), before, 'nothing changed');
    const created = await t.cliProcess(['livenet', 'create', 'e2', '--kernel', TEST_KERNEL, '--source', `dir:${tree}`, '--password-hash', sha512Crypt('pw'),
      '--layout', 'flat'], { env: { SOURCE_DATE_EPOCH: '0' } });
    assert.equal(created.exitCode, 2, created.stderr);
    assert.deepEqual(await s.images.list().then((images) => images.map((image) => image.name)), ['e1'], 'no image e2 registered');

    const changed = await t.cliProcess(['image', 'rebuild', 'e1'], { env: { SOURCE_DATE_EPOCH: '1600000000' } });
    assert.equal(changed.exitCode, 0, changed.stderr);
    assert.match(changed.stdout + changed.stderr, /epoch changes from \d+ to 1600000000/);
    assert.match(await readFile(dataFile, 'utf8'), /source_date_epoch: 1600000000/);
  } finally {
    await t.cleanup();
  }
});
