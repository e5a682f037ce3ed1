import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempRoot } from '../../helpers/temp-root.js';
import { sha512Crypt } from '../../../src/core/os/password.js';
import { addDummyKernel, makeBusyboxTree, TEST_KERNEL } from '../../helpers/livenet-fixtures.js';
import { diffFiles, diffPackages, parseDpkgStatus, parseListing, parseRpmList } from '../../../src/modules/livenet/diff-compute.js';

function dpkgStatus(packages: Record<string, string>): string {
  return Object.entries(packages).map(([name, version]) => `Package: ${name}\nStatus: install ok installed\nArchitecture: amd64\nVersion: ${version}\n`).join('\n');
}

test('package lists and listings are read from the tools\' text, and compared', () => {
  const before = parseDpkgStatus(`${dpkgStatus({ a: '1.0', b: '2' })}\nPackage: gone\nStatus: deinstall ok config-files\nVersion: 9\n`);
  assert.deepEqual([...before], [['a', '1.0'], ['b', '2']], 'only installed packages count');
  assert.deepEqual(diffPackages(before, parseRpmList('a 0:1.1-1.x86_64\nc 1:3-2.noarch\n')), {
    added: [{ name: 'c', version: '1:3-2.noarch' }], removed: [{ name: 'b', version: '2' }], changed: [{ name: 'a', from: '1.0', to: '1.1-1.x86_64' }],
  });
  const listing = parseListing([
    'drwxr-xr-x 0/0                38 2026-11-30 07:57 squashfs-root',
    'lrwxrwxrwx 0/0                 6 2026-11-30 07:57 squashfs-root/link -> /etc/a',
    '-rw-r--r-- 0/0               105 2026-11-30 07:57 squashfs-root/etc/a b',
    'crw-rw-rw- 0/0            1,   3 2026-11-30 07:57 squashfs-root/dev/null',
  ].join('\n'));
  assert.deepEqual([...listing.keys()], ['/link', '/etc/a b', '/dev/null']);
  const after = new Map(listing);
  after.set('/etc/a b', { type: '-', size: 300, signature: 'changed' });
  after.delete('/link');
  after.set('/big', { type: '-', size: 5000, signature: 'new' });
  assert.deepEqual(diffFiles(listing, after), {
    addedCount: 1, removedCount: 1, changedCount: 1,
    largestAdded: [{ path: '/big', bytes: 5000 }], largestRemoved: [{ path: '/link', bytes: 6 }],
    largestChanged: [{ path: '/etc/a b', fromBytes: 105, toBytes: 300 }],
  });
});

test('image diff of two versions, flat and liveos: packages from dpkg status, then files, without unpacking the images', async () => {
  const t = await makeTempRoot();
  try {
    const tree = await makeBusyboxTree(t.root);
    await mkdir(join(tree, 'var', 'lib', 'dpkg'), { recursive: true });
    await writeFile(join(tree, 'var', 'lib', 'dpkg', 'status'), dpkgStatus({ a: '1.0', b: '2' }));
    await writeFile(join(tree, 'etc', 'removed.conf'), 'x\n');
    const s = await t.services();
    await addDummyKernel(s.paths.kernelsDir);
    const base = ['--kernel', TEST_KERNEL, '--source', `dir:${tree}`, '--password-hash', sha512Crypt('pw')];
    for (const [name, layout] of [['df', ['--layout', 'flat']], ['dl', ['--size', '128M']]] as const) {
      const created = await t.cli(['livenet', 'create', name, ...base, ...layout]);
      assert.equal(created.exitCode, 0, created.stderr);
    }
    const first = { df: (await s.images.history('df'))[0]?.id, dl: (await s.images.history('dl'))[0]?.id };
    await writeFile(join(tree, 'var', 'lib', 'dpkg', 'status'), dpkgStatus({ a: '1.1', c: '3.0.1' }));
    await writeFile(join(tree, 'opt-big.bin'), Buffer.alloc(300_000, 1));
    await rm(join(tree, 'etc', 'removed.conf'));
    for (const name of ['df', 'dl']) {
      const rebuilt = await t.cli(['image', 'rebuild', name]);
      assert.equal(rebuilt.exitCode, 0, rebuilt.stderr);
      const result = await t.cli(['--json', 'image', 'diff', `${name}@${first[name as 'df' | 'dl']}`, name]);
      assert.equal(result.exitCode, 0, result.stderr);
      const diff = JSON.parse(result.stdout);
      assert.equal(diff.packageDatabase, 'dpkg');
      assert.deepEqual(diff.packages, {
        added: [{ name: 'c', version: '3.0.1' }], removed: [{ name: 'b', version: '2' }], changed: [{ name: 'a', from: '1.0', to: '1.1' }],
      }, name);
      assert.deepEqual(diff.files.largestAdded[0], { path: '/opt-big.bin', bytes: 300_000 }, name);
      assert.ok(diff.files.largestRemoved.some((f: { path: string }) => f.path === '/etc/removed.conf'), name);
      // Listings tell a change by mode, owner, size, time or link target (the status file grew here).
      assert.ok(diff.files.largestChanged.some((f: { path: string }) => f.path === '/var/lib/dpkg/status'), name);
    }
    const text = await t.cli(['image', 'diff', 'df', 'dl']);
    assert.equal(text.exitCode, 0, text.stderr);
    assert.match(text.stdout, /packages \(dpkg\): 0 added, 0 removed, 0 changed/);
    const bad = await t.cli(['image', 'diff', 'df@nothex', 'dl']);
    assert.equal(bad.exitCode, 2, bad.stderr);
    const missing = await t.cli(['image', 'diff', 'df@0123456789ab', 'dl']);
    assert.equal(missing.exitCode, 1, missing.stderr);
    assert.match(missing.stderr, /keeps no version/);
  } finally {
    await t.cleanup();
  }
});

test('image diff sees a file whose bytes changed at the same size (content manifests); versions without one fall back to listings and say so', async () => {
  const t = await makeTempRoot();
  try {
    const tree = await makeBusyboxTree(t.root);
    await writeFile(join(tree, 'etc', 'same-size.conf'), 'value=1\n');
    const s = await t.services();
    await addDummyKernel(s.paths.kernelsDir);
    const base = ['--kernel', TEST_KERNEL, '--source', `dir:${tree}`, '--password-hash', sha512Crypt('pw')];
    for (const [name, layout] of [['mf', ['--layout', 'flat']], ['ml', ['--size', '128M']]] as const) {
      const created = await t.cli(['livenet', 'create', name, ...base, ...layout]);
      assert.equal(created.exitCode, 0, created.stderr);
    }
    const first = { mf: (await s.images.history('mf'))[0]?.id, ml: (await s.images.history('ml'))[0]?.id };
    // Same size, same mode; times are clamped to the build's epoch: only the bytes differ.
    await writeFile(join(tree, 'etc', 'same-size.conf'), 'value=2\n');
    for (const name of ['mf', 'ml'] as const) {
      const rebuilt = await t.cli(['image', 'rebuild', name]);
      assert.equal(rebuilt.exitCode, 0, rebuilt.stderr);
      const result = await t.cli(['--json', 'image', 'diff', `${name}@${first[name]}`, name]);
      assert.equal(result.exitCode, 0, result.stderr);
      const diff = JSON.parse(result.stdout);
      assert.equal(diff.filesComparedBy, 'manifest', name);
      assert.deepEqual(diff.files.largestChanged, [{ path: '/etc/same-size.conf', fromBytes: 8, toBytes: 8 }], name);
      assert.equal(diff.files.addedCount + diff.files.removedCount, 0, name);
      const files = await readdir(s.paths.imageDir(name));
      const manifest = files.find((file) => file === `manifest-${first[name]}.tsv`);
      assert.ok(manifest, `the manifest sits beside its version: ${files.join(' ')}`);
      assert.equal((await stat(join(s.paths.imageDir(name), manifest))).mode & 0o777, 0o600, 'never served: it names every file');
      // A version published before manifests were kept: the listing is compared, and the answer says so in one line.
      await rm(join(s.paths.imageDir(name), manifest));
      const fallback = await t.cli(['image', 'diff', `${name}@${first[name]}`, name]);
      assert.equal(fallback.exitCode, 0, fallback.stderr);
      assert.match(fallback.stdout, /^files: .*\(compared by listing: a version has no content manifest, so a file changed at the same size is not seen\)$/m);
    }
    const resized = await t.cli(['livenet', 'resize', 'ml', '150M']);
    assert.equal(resized.exitCode, 0, resized.stderr);
    const [after, before] = await s.images.history('ml');
    assert.ok(after && before && after.id !== before.id);
    const same = JSON.parse((await t.cli(['--json', 'image', 'diff', `ml@${before.id}`, 'ml'])).stdout);
    assert.equal(same.filesComparedBy, 'manifest', 'a resize keeps the tree, and its manifest');
    assert.equal(same.files.changedCount + same.files.addedCount + same.files.removedCount, 0);
    // Removing the image leaves no manifest behind.
    await t.cli(['--yes', 'image', 'remove', 'mf']);
    assert.deepEqual(await readdir(s.paths.imageDir('mf')).catch(() => []), []);
  } finally {
    await t.cleanup();
  }
});
