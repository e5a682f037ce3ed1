import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempRoot } from '../../helpers/temp-root.js';
import { sha512Crypt, verifySha512Crypt } from '../../../src/core/os/password.js';
import { addDummyKernel, makeBusyboxTree, TEST_KERNEL } from '../../helpers/livenet-fixtures.js';
import { unpackSquashfs } from '../../helpers/livenet-inspect.js';

test('--from-file takes every option from a YAML spec, the command line overrides it, and the recipe is kept', async () => {
  const t = await makeTempRoot();
  const tree = await makeBusyboxTree(t.root);
  try {
    const s = await t.services();
    await addDummyKernel(s.paths.kernelsDir);
    await writeFile(join(t.root, 'pw'), 'spec-pass\n');
    await writeFile(join(t.root, 'key.pub'), 'ssh-ed25519 AAAAspec ops@site\n');
    const spec = join(t.root, 'compute.yml');
    await writeFile(spec, [
      `kernel: ${TEST_KERNEL}`, 'type: small', 'size: 1.5G', `source: dir:${tree}`,
      `password-file: ${join(t.root, 'pw')}`, `ssh_key: ${join(t.root, 'key.pub')}`, 'compression: xz', 'selinux: true', '',
    ].join('\n'));
    const result = await t.cli(['livenet', 'create', 'fromspec', '--from-file', spec, '--size', '200M']);
    assert.equal(result.exitCode, 0, result.stderr);
    const data = (await s.images.get('fromspec')).data;
    assert.equal(data.livenet_size, 200, 'the command line wins over the file');
    assert.equal(data.livenet_type, 'small');
    assert.equal(data.compression, 'xz');
    assert.equal(data.selinux, true);
    assert.equal(data.source, `dir:${tree}`);
    assert.ok(verifySha512Crypt('spec-pass', String(data.password)));
    const unpacked = await unpackSquashfs(join(s.paths.imageDir('fromspec'), 'squashfs.img'));
    try {
      assert.equal((await unpacked.cat('/root/.ssh/authorized_keys')).trim(), 'ssh-ed25519 AAAAspec ops@site');
    } finally {
      await unpacked.cleanup();
    }

    await writeFile(spec, 'kernel: [not, a, string\n');
    const broken = await t.cli(['livenet', 'create', 'broken', '--from-file', spec]);
    assert.equal(broken.exitCode, 2);
    assert.match(broken.stderr, /not valid YAML/);
  } finally {
    await t.cleanup();
  }
});

/** Asserts a refused command: exit 2, one line on stderr matching `message`, nothing registered and no image folder. */
async function assertRefused(t: Awaited<ReturnType<typeof makeTempRoot>>, args: string[], message: RegExp): Promise<void> {
  const s = await t.services();
  const result = await t.cli(args);
  assert.equal(result.exitCode, 2, `${args.join(' ')}: ${result.stderr}`);
  assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
  assert.match(result.stderr, message);
  assert.deepEqual(await readdir(s.paths.imagesDir).catch(() => []), []);
  assert.deepEqual(await readdir(s.paths.workDir).catch(() => []), []);
  const registered = await readFile(s.paths.installationsFile, 'utf8').catch(() => '');
  assert.doesNotMatch(registered, /img/, 'nothing is registered in installations.yml');
}

test('a spec file with an unknown key or a value of the wrong type is refused before anything starts', async () => {
  const t = await makeTempRoot();
  const tree = await makeBusyboxTree(t.root);
  try {
    const s = await t.services();
    await addDummyKernel(s.paths.kernelsDir);
    const spec = join(t.root, 'spec.yml');
    const base = [`kernel: ${TEST_KERNEL}`, `password_hash: '${sha512Crypt('pw')}'`];
    const cases: [string[], RegExp][] = [
      [[...base, 'sizee: 5G', `source: dir:${tree}`], /unknown key "sizee" in .*spec\.yml; did you mean size\?/],
      [[...base, 'size: 200M', 'source: 12'], /"source" must be text/],
      [[...base, 'size: 200M', `source: dir:${tree}`, 'selinux: "yes please"'], /"selinux" must be true or false/],
      [[...base, 'size: 200M', `source: dir:${tree}`, 'packages: {vim: 1}'], /"packages" must be a list/],
      [[...base, 'size: 200M', `source: dir:${tree}`, 'type: [small]'], /invalid OS type/],
      [[...base, 'size: 200M', `source: dir:${tree}`, 'password: clear-text'], /clear passwords are not accepted/],
      [[`kernel: ${TEST_KERNEL}`, 'size: 200M', `source: dir:${tree}`, "password_hash: ''"], /password hash/],
      [[`kernel: ${TEST_KERNEL}`, 'size: 200M', `source: dir:${tree}`, 'password_hash: "$6$a$b\\nevil::0:0"'], /password hash/],
    ];
    for (const [lines, message] of cases) {
      await writeFile(spec, `${lines.join('\n')}\n`);
      await assertRefused(t, ['livenet', 'create', 'img', '--from-file', spec], message);
    }
  } finally {
    await t.cleanup();
  }
});

test('sources that are the host, a kernel file system, the tool\'s folders or not a tarball are refused with exit 2', async () => {
  const t = await makeTempRoot();
  try {
    const s = await t.services();
    await addDummyKernel(s.paths.kernelsDir);
    const base = ['livenet', 'create', 'img', '--kernel', TEST_KERNEL, '--size', '200M', '--password-hash', sha512Crypt('pw')];
    for (const source of ['dir:/', 'dir:/dev', 'dir:/proc', 'dir:/sys', 'tar:/etc/passwd', `dir:${t.root}`, `dir:${s.paths.imagesDir}`]) {
      await assertRefused(t, [...base, '--source', source], /source/);
    }
  } finally {
    await t.cleanup();
  }
});
