import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generationsDir } from '../../../src/boot/boot-paths.js';
import { makeTempRoot, type TempRoot } from '../../helpers/temp-root.js';
import { run } from '../../../src/system/runner.js';
import { assertConsistent } from '../../helpers/kill-check.js';
import { addDummyKernel, makeBusyboxTree, TEST_KERNEL } from '../../helpers/livenet-fixtures.js';
import { sha512Crypt } from '../../../src/core/os/password.js';

const ALIAS_BOMB = ['a: &a ["x","x","x","x","x","x","x","x","x"]', ...'bcdefghi'.split('').map((k, i) =>
  `${k}: &${k} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(',')}]`)].join('\n');

async function withInstallations(text: string, check: (t: TempRoot) => Promise<void>): Promise<void> {
  const t = await makeTempRoot();
  try {
    assert.equal((await t.cli(['demo', 'create', 'kept', '--message', 'm'])).exitCode, 0);
    const { paths } = await t.services();
    await writeFile(paths.installationsFile, text);
    await check(t);
  } finally {
    await t.cleanup();
  }
}

const NOT_YAML = /installations\.yml is not valid YAML/;
const BAD_SHAPE = /installations\.yml is not a valid build registry/;
for (const [what, text, problem] of [
  ['invalid YAML', 'broken: [pid: 1\n', NOT_YAML],
  ['an alias bomb', ALIAS_BOMB, NOT_YAML],
  ['fields of the wrong type', 'x:\n  pid: abc\n  paths: 5\n', BAD_SHAPE],
  ['paths that are not strings', 'x:\n  pid: 999999\n  image_class: DemoImage\n  paths: [5, {a: 1}]\n', BAD_SHAPE],
  ['a list instead of a mapping', '- pid: 1\n  image_class: DemoImage\n', BAD_SHAPE],
  ['random bytes', '\u0007\u00b1q9Zk\u00e9 \u0002garbage', BAD_SHAPE],
] as const) {
  test(`installations.yml holding ${what}: read-only commands answer with a warning, changing ones fail in one line naming the file`, async () => {
    await withInstallations(text, async (t) => {
      const list = await t.cli(['image', 'list']);
      assert.equal(list.exitCode, 0, list.stderr);
      assert.match(list.stdout, /^kept\s+DemoImage\s+CREATED\s/m);
      assert.match(list.stderr, problem);
      assert.equal((await t.cli(['boot', 'list'])).exitCode, 0);
      const create = await t.cli(['demo', 'create', 'x', '--message', 'm']);
      assert.equal(create.exitCode, 1);
      const lines = create.stderr.trim().split('\n').filter((l) => l.startsWith('disklessset:'));
      assert.equal(lines.length, 1, create.stderr);
      assert.match(lines[0] ?? '', /^disklessset: \S+\/installations\.yml is not .* \(.*\); fix it by hand/);
      assert.match(lines[0] ?? '', problem);
      assert.doesNotMatch(create.stderr, /unexpected error/);
    });
  });
}

/** Mounts a tmpfs of `size` on `dir` and fills it completely; returns the unmount. */
async function fullFileSystem(dir: string, size: string): Promise<() => Promise<void>> {
  await mkdir(dir, { recursive: true });
  await run(['mount', '-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir]);
  await run(['dd', 'if=/dev/zero', `of=${join(dir, 'filler')}`, 'bs=4k'], { allowFailure: true });
  return async () => { await run(['umount', '-l', dir], { allowFailure: true }); };
}

test('a full disk: boot set and demo create fail in one line naming the file system, leave no temporary file, and the next command repairs', async () => {
  const t = await makeTempRoot();
  const unmounts: (() => Promise<void>)[] = [];
  try {
    const { paths } = await t.services();
    // Node scripts are rendered into generation folders: that file system fills up (mounted
    // first, so the generation published by demo create lives in it), then the disk is filled.
    const generations = generationsDir(paths);
    await mkdir(generations, { recursive: true });
    await run(['mount', '-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', generations]);
    unmounts.push(async () => { await run(['umount', '-l', generations], { allowFailure: true }); });
    assert.equal((await t.cli(['demo', 'create', 'a', '--message', 'm'])).exitCode, 0);
    await run(['dd', 'if=/dev/zero', `of=${join(generations, 'filler')}`, 'bs=4k'], { allowFailure: true });
    const boot = await t.cli(['boot', 'set', 'n[1-20]', 'a']);
    assert.equal(boot.exitCode, 1);
    assert.equal(boot.stderr, `disklessset: no space left on the file system holding ${generations} (0 MiB free): no boot assignment was changed; free space there\n`);
    assert.deepEqual((await readdir(generations)).filter((n) => n.startsWith('.')), [], 'no temporary file is left');
    await run(['rm', join(generations, 'filler')]);
    const list = await t.cli(['boot', 'list']);
    assert.equal(list.stderr, '', 'the failed boot set left nothing to repair');
    assert.doesNotMatch(list.stdout, /n\[?1/);
    await assertConsistent(t.root, paths, 'after space was freed');

    unmounts.push(await fullFileSystem(paths.stateDir, '1m'));
    const create = await t.cli(['demo', 'create', 'b', '--message', 'm']);
    assert.equal(create.exitCode, 1);
    assert.match(create.stderr, new RegExp(`^disklessset: no space left on the file system holding ${paths.stateDir} \\(0 MiB free\\); free space there\\n$`));

    unmounts.push(await fullFileSystem(paths.configDir, '1m'));
    const token = await t.cli(['api', 'token', 'create', '--role', 'read']);
    assert.equal(token.exitCode, 1);
    assert.match(token.stderr, new RegExp(`^disklessset: no space left on the file system holding ${paths.configDir} \\(0 MiB free\\); free space there\\n$`));
    assert.deepEqual((await readdir(paths.configDir)).filter((n) => n.startsWith('.')), [], 'no temporary file is left');
  } finally {
    for (const unmount of unmounts.reverse()) await unmount();
    await t.cleanup();
  }
});

test('livenet create with a full work folder: E_NO_SPACE naming the work folder (exit 1), not a too small image', async () => {
  const t = await makeTempRoot();
  let unmount: (() => Promise<void>) | undefined;
  try {
    const tree = await makeBusyboxTree(t.root);
    await writeFile(join(tree, 'root', 'data.bin'), Buffer.alloc(24 * 1024 * 1024, 1));
    const { paths } = await t.services();
    await addDummyKernel(paths.kernelsDir);
    await mkdir(paths.workDir, { recursive: true });
    await run(['mount', '-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', paths.workDir]);
    unmount = async () => { await run(['umount', '-l', paths.workDir], { allowFailure: true }); };
    const create = await t.cli(['livenet', 'create', 'full', '--kernel', TEST_KERNEL, '--source', `dir:${tree}`, '--size', '512M',
      '--password-hash', sha512Crypt('n0de-pass')]);
    assert.equal(create.exitCode, 1, create.stderr);
    const last = create.stderr.trim().split('\n').at(-1) ?? '';
    assert.match(last, new RegExp(`^disklessset: no space left on the file system holding ${paths.workDir} \\(\\d+ MiB free\\); free space there or move workDir`));
  } finally {
    await unmount?.();
    await t.cleanup();
  }
});
