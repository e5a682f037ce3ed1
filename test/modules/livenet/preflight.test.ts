import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempRoot } from '../../helpers/temp-root.js';
import { sha512Crypt } from '../../../src/core/os/password.js';
import { addDummyKernel, makeBusyboxTree, TEST_KERNEL } from '../../helpers/livenet-fixtures.js';

test('a size that cannot hold the source tree is refused before any copy, naming the size to pass', async () => {
  const t = await makeTempRoot();
  const tree = await makeBusyboxTree(t.root);
  try {
    const s = await t.services();
    await addDummyKernel(s.paths.kernelsDir);
    // 120 MiB of written (not sparse) data: more than a 100 MiB image holds.
    await writeFile(join(tree, 'root', 'payload'), Buffer.alloc(120 * 1024 * 1024, 1));
    const result = await t.cli(['livenet', 'create', 'big', '--kernel', TEST_KERNEL, '--source', `dir:${tree}`, '--size', '100M',
      '--password-hash', sha512Crypt('pw')]);
    assert.equal(result.exitCode, 2, result.stderr);
    const lines = result.stderr.trim().split('\n');
    assert.equal(lines.length, 1, result.stderr);
    assert.match(lines[0] ?? '', /needs at least (\d+) MiB but the image size is 100 MiB; pass --size (\d+)M/);
    const [, needed, advised] = /at least (\d+) MiB.*--size (\d+)M/.exec(lines[0] ?? '') ?? [];
    assert.ok(Number(needed) > 120 && Number(advised) >= Number(needed), lines[0]);
    assert.doesNotMatch(result.stdout + result.stderr, /\[\d\/\d\]/, 'no build step started');
    assert.deepEqual(await readdir(s.paths.imagesDir).catch(() => []), []);
    assert.deepEqual(await readdir(s.paths.workDir).catch(() => []), [], 'nothing was copied');
    assert.deepEqual(await s.installations.read(), {});
  } finally {
    await t.cleanup();
  }
});

test('all bad options of one create are reported together in one line, then all host problems together', async () => {
  const t = await makeTempRoot();
  try {
    const s = await t.services();
    await addDummyKernel(s.paths.kernelsDir);
    const options = await t.cli(['livenet', 'create', 'img', '--kernel', TEST_KERNEL, '--size', '5T', '--type', 'huge', '--release', 'bad rel!',
      '--password-hash', sha512Crypt('pw')]);
    assert.equal(options.exitCode, 2, options.stderr);
    assert.equal(options.stderr.trim().split('\n').length, 1, options.stderr);
    assert.match(options.stderr, /3 problems: /);
    for (const named of [/size "5T"/, /OS type "huge"/, /release "bad rel!"/]) assert.match(options.stderr, named);

    const host = await t.cli(['livenet', 'create', 'img', '--kernel', 'vmlinuz-9.9.9', '--size', '1G', '--source', `dir:${join(t.root, 'no-tree')}`,
      '--password-hash', sha512Crypt('pw')]);
    assert.equal(host.exitCode, 2, host.stderr);
    assert.equal(host.stderr.trim().split('\n').length, 1, host.stderr);
    assert.match(host.stderr, /2 problems: .*vmlinuz-9\.9\.9.*no-tree names no such folder/);
    assert.deepEqual(await readdir(s.paths.imagesDir).catch(() => []), []);
  } finally {
    await t.cleanup();
  }
});
