import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempRoot } from '../../helpers/temp-root.js';
import { sha512Crypt } from '../../../src/core/os/password.js';
import { addDummyKernel, makeBusyboxTree, TEST_KERNEL } from '../../helpers/livenet-fixtures.js';
import { buildEpoch, imageUuid } from '../../../src/modules/livenet/reproducible.js';

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
  assert.equal(buildEpoch(undefined, { SOURCE_DATE_EPOCH: 'yesterday' }) > 1_700_000_000, true, 'a value that is no number of seconds is ignored');
  assert.equal(imageUuid('a'), imageUuid('a'));
  assert.notEqual(imageUuid('a'), imageUuid('b'));
  assert.match(imageUuid('a'), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});
