import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, open, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CLI, makeTempRoot } from '../../helpers/temp-root.js';
import { sha512Crypt } from '../../../src/core/os/password.js';
import { addDummyKernel, makeBusyboxTree, TEST_KERNEL } from '../../helpers/livenet-fixtures.js';

test('bad input exits with code 2 before anything is written', async () => {
  const t = await makeTempRoot();
  const tree = await makeBusyboxTree(t.root);
  try {
    const s = await t.services();
    await addDummyKernel(s.paths.kernelsDir);
    const hash = sha512Crypt('pw');
    const base = ['livenet', 'create', 'img', '--kernel', TEST_KERNEL, '--source', `dir:${tree}`, '--password-hash', hash];
    const cases: [string[], RegExp][] = [
      [[...base, '--size', '99M'], /size/],
      [[...base, '--size', '5T'], /size/],
      [[...base.map((a) => (a === TEST_KERNEL ? 'vmlinuz-9.9.9' : a)), '--size', '1G'], /kernel/],
      [[...base, '--size', '1G', '--ssh-key', join(t.root, 'missing.pub')], /SSH public key/],
      [[...base.filter((a) => a !== hash && a !== '--password-hash'), '--password-file', join(t.root, 'nope'), '--size', '1G'], /password/],
      [[...base.map((a) => a.replace(/^dir:.*/, 'dir:/nonexistent/tree')), '--size', '1G'], /no such folder/],
      [[...base, '--size', '1G', '--packages', 'vim'], /packages/],
      [['livenet', 'create', 'bad/name', '--kernel', TEST_KERNEL, '--size', '1G', '--password-hash', hash], /name/],
    ];
    for (const [args, message] of cases) {
      const result = await t.cli(args);
      assert.equal(result.exitCode, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, message);
    }
    assert.deepEqual(await readdir(s.paths.imagesDir).catch(() => []), []);
    assert.ok(!existsSync(s.paths.installationsFile) || !/img/.test(await (await import('node:fs/promises')).readFile(s.paths.installationsFile, 'utf8')));
  } finally {
    await t.cleanup();
  }
});

test('a build killed with SIGKILL mid-way is CORRUPTED, then cleaned to nothing', async () => {
  const t = await makeTempRoot();
  const tree = await makeBusyboxTree(t.root);
  try {
    // Enough small files that copying the tree takes a moment.
    for (let d = 0; d < 40; d += 1) {
      const dir = join(tree, 'usr', 'share', `data${d}`);
      await mkdir(dir, { recursive: true });
      await Promise.all(Array.from({ length: 250 }, (_, f) => writeFile(join(dir, `f${f}`), `${d}-${f}\n`)));
    }
    const s = await t.services();
    await addDummyKernel(s.paths.kernelsDir);
    const child = spawn(process.execPath, [CLI, '--root', t.root, 'livenet', 'create', 'killed', '--kernel', TEST_KERNEL, '--size', '200M',
      '--source', `dir:${tree}`, '--password-stdin'], { stdio: ['pipe', 'ignore', 'ignore'] });
    child.stdin.end('pw\n');
    const work = join(s.paths.workDir, 'killed');
    for (let i = 0; i < 600 && !existsSync(join(work, 'generated_os', 'usr')); i += 1) await sleep(20);
    assert.ok(existsSync(work), 'the build started');
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    assert.equal((await s.images.status('killed')).status, 'CORRUPTED');
    assert.deepEqual(await s.images.cleanCorrupted(), ['killed']);
    assert.deepEqual(await s.images.list(), []);
    assert.ok(!existsSync(work));
    assert.ok(!existsSync(s.paths.imageDir('killed')));
  } finally {
    await t.cleanup();
  }
});

/** Whether the bytes of a file form a whole squashfs image (magic, and the size its superblock announces). */
async function readWholeSquashfs(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const size = (await handle.stat()).size;
    const buffer = Buffer.alloc(size);
    await handle.read(buffer, 0, size, 0);
    return buffer.toString('latin1', 0, 4) === 'hsqs' && Number(buffer.readBigUInt64LE(40)) <= size && size > 96;
  } finally {
    await handle.close();
  }
}

test('a reader of squashfs.img during rebuilds always sees a whole image, and rebuild keeps the recipe', async () => {
  const t = await makeTempRoot();
  const tree = await makeBusyboxTree(t.root);
  try {
    const s = await t.services();
    await addDummyKernel(s.paths.kernelsDir);
    const create = await t.cli(['livenet', 'create', 'live1', '--kernel', TEST_KERNEL, '--size', '150M', '--source', `dir:${tree}`,
      '--password-stdin', '--compression', 'gzip'], { input: 'pw\n' });
    assert.equal(create.exitCode, 0, create.stderr);
    const squashfs = join(s.paths.imageDir('live1'), 'squashfs.img');
    let reading = true;
    let reads = 0;
    let partial = 0;
    const reader = (async () => {
      while (reading) {
        if (!(await readWholeSquashfs(squashfs))) partial += 1;
        reads += 1;
      }
    })();
    for (let i = 0; i < 3; i += 1) {
      // Both spellings: the module's own command and the generic `image rebuild`.
      const rebuild = await t.cli(i === 1 ? ['image', 'rebuild', 'live1'] : ['livenet', 'rebuild', 'live1']);
      assert.equal(rebuild.exitCode, 0, rebuild.stderr);
    }
    reading = false;
    await reader;
    assert.ok(reads > 0);
    assert.equal(partial, 0, 'no read saw a partial file');
    const image = await s.images.get('live1');
    assert.equal(image.data.compression, 'gzip');
    assert.equal(image.data.livenet_size, 150);
    assert.ok((await s.images.history('live1')).some((version) => version.current), 'the published image is a kept version');
    const show = await t.cli(['image', 'show', 'live1', '--json']);
    assert.doesNotMatch(show.stdout, /\$6\$/, 'the hash is never shown');
  } finally {
    await t.cleanup();
  }
});

test('livenet rollback must name its target: a bare rollback or another target is refused with exit 2 and the hint', async () => {
  const t = await makeTempRoot();
  try {
    for (const argv of [['livenet', 'rollback', 'img1'], ['livenet', 'rollback', 'img1', '--to', 'latest']]) {
      const refused = await t.cli(argv);
      assert.equal(refused.exitCode, 2, refused.stderr);
      assert.equal(refused.stderr.trim().split('\n').length, 1, refused.stderr);
      assert.match(refused.stderr, /rollback (needs a target|target "latest").*image rollback img1 --to previous/);
    }
  } finally {
    await t.cleanup();
  }
});
