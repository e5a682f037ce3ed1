/**
 * `image diff` of EL-like images: packages come from the images' rpm
 * database. Two trees get different sets of tiny RPMs built here (rpmbuild),
 * installed with `rpm --root`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempRoot } from '../../helpers/temp-root.js';
import { sha512Crypt } from '../../../src/core/os/password.js';
import { run } from '../../../src/system/runner.js';
import { addDummyKernel, makeBusyboxTree, TEST_KERNEL } from '../../helpers/livenet-fixtures.js';
import { makeRpmRepo, type TinyPackage } from '../../helpers/rpm-repos.js';

async function installInto(tree: string, repo: string): Promise<void> {
  const rpms = (await readdir(repo)).filter((file) => file.endsWith('.rpm')).map((file) => join(repo, file));
  // Debian's rpm refuses to install without --force-debian; the database goes where EL keeps it.
  await run(['rpm', '--root', tree, '--dbpath', '/var/lib/rpm', '--force-debian', '--nodeps', '-i', ...rpms], { timeoutMs: 120_000 });
}

test('image diff --json lists the packages added, removed and changed from the images\' rpm databases', async () => {
  const t = await makeTempRoot();
  try {
    const pkg = (name: string, version = '1.0'): TinyPackage => ({ name, version, files: { [`/usr/share/${name}/${version}.txt`]: name } });
    const before = await makeRpmRepo(join(t.root, 'rpms-a'), [pkg('alpha'), pkg('beta'), pkg('gamma')]);
    const after = await makeRpmRepo(join(t.root, 'rpms-b'), [pkg('alpha', '2.0'), pkg('gamma'), pkg('delta')]);
    const s = await t.services();
    await addDummyKernel(s.paths.kernelsDir);
    for (const [name, repo] of [['ela', before], ['elb', after]] as const) {
      const tree = await makeBusyboxTree(t.root);
      await installInto(tree, repo);
      const created = await t.cli(['livenet', 'create', name, '--kernel', TEST_KERNEL, '--source', `dir:${tree}`,
        '--password-hash', sha512Crypt('pw'), '--layout', 'flat']);
      assert.equal(created.exitCode, 0, created.stderr);
    }
    const result = await t.cli(['--json', 'image', 'diff', 'ela', 'elb']);
    assert.equal(result.exitCode, 0, result.stderr);
    const diff = JSON.parse(result.stdout);
    assert.equal(diff.packageDatabase, 'rpm');
    assert.deepEqual(diff.packages, {
      added: [{ name: 'delta', version: '1.0-1.noarch' }],
      removed: [{ name: 'beta', version: '1.0-1.noarch' }],
      changed: [{ name: 'alpha', from: '1.0-1.noarch', to: '2.0-1.noarch' }],
    });
    assert.ok(diff.files.largestAdded.some((f: { path: string }) => f.path === '/usr/share/delta/1.0.txt'), 'the files follow the packages');
  } finally {
    await t.cleanup();
  }
});
