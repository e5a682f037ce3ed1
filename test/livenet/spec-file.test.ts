import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempRoot } from '../helpers/temp-root.js';
import { verifySha512Crypt } from '../../src/core/os/password.js';
import { addDummyKernel, makeBusyboxTree, TEST_KERNEL } from './fixtures.js';
import { unpackSquashfs } from './inspect.js';

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
