import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { chmod, copyFile, mkdir, mkdtemp, readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeTempRoot, type TempRoot } from '../../helpers/temp-root.js';
import { addDummyKernel, TEST_KERNEL } from '../../helpers/livenet-fixtures.js';
import { unpackSquashfs } from '../../helpers/livenet-inspect.js';
import { assertConsistent } from '../../helpers/kill-check.js';
import { freePort, makeTinyLayout, skopeoCopy, skopeoDigest, startRegistry, TINY, userXattrsWork, type Registry } from '../../helpers/oci-registry.js';
import { run } from '../../../src/system/runner.js';
import { stagingTree } from '../../../src/modules/nfs/nfs-layout.js';

let dir: string;
let registry: Registry;
let xattrs: boolean;
let reference: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'oci-cli-'));
  xattrs = await userXattrsWork(dir);
  if (!xattrs) process.stderr.write(`oci-source: ${dir} keeps no user.* xattrs; the xattr assertions are left out\n`);
  registry = await startRegistry(join(dir, 'registry'));
  const layout = await makeTinyLayout(join(dir, 'image'), xattrs);
  reference = `docker://${registry.host}/test/tiny:1`;
  await skopeoCopy(`oci:${layout}:1`, reference);
  await skopeoCopy(`oci:${layout}:1`, `oci-archive:${join(dir, 'tiny-oci.tar')}`);
  await skopeoCopy(`oci:${layout}:1`, `docker-archive:${join(dir, 'tiny-docker.tar')}`);
});

after(async () => {
  await registry?.stop();
  await rm(dir, { recursive: true, force: true });
});

const HASH = '!';

async function withRoot(body: (t: TempRoot) => Promise<void>): Promise<void> {
  const t = await makeTempRoot();
  try {
    await addDummyKernel((await t.services()).paths.kernelsDir);
    await body(t);
  } finally {
    await t.cleanup();
  }
}

test('livenet create from a registry image: whiteouts applied, owner and xattr kept, source digest shown by image show', async () => {
  await withRoot(async (t) => {
    const created = await t.cli(['livenet', 'create', 'tiny', '--kernel', TEST_KERNEL, '--source', reference, '--tls-verify=false',
      '--layout', 'flat', '--password-hash', HASH]);
    assert.equal(created.exitCode, 0, created.stderr);
    const shown = JSON.parse((await t.cli(['--json', 'image', 'show', 'tiny'])).stdout) as { attributes: Record<string, unknown> };
    assert.equal(shown.attributes.source, reference);
    assert.equal(shown.attributes.sourceDigest, await skopeoDigest(reference));
    assert.equal(shown.attributes.tlsVerify, false, 'a rebuild reaches the lab registry the same way');
    assert.match((await t.cli(['image', 'show', 'tiny'])).stdout, /sha256:[a-f0-9]{64}/);
    const s = await t.services();
    assert.deepEqual(await readdir(s.paths.workDir), [], 'the pulled layout and bundle are gone');
    const unpacked = await unpackSquashfs(join(s.paths.imageDir('tiny'), 'squashfs.img'), 'flat');
    try {
      assert.ok(!existsSync(join(unpacked.dir, TINY.deleted)), 'the whiteout of the second layer deleted the file');
      assert.equal(await readFile(join(unpacked.dir, TINY.added), 'utf8'), 'layer 2\n');
      assert.equal((await stat(join(unpacked.dir, TINY.owned))).uid, TINY.uid);
      if (xattrs) {
        assert.equal((await run(['getfattr', '--only-values', '-n', 'user.origin', join(unpacked.dir, TINY.owned)])).stdout, 'layer1');
      }
      assert.match(await readFile(join(unpacked.dir, 'etc', 'shadow'), 'utf8'), /^root:!:/m, 'the build customized the pulled tree');
    } finally {
      await unpacked.cleanup();
    }
  });
});

test('nfs staging create from an OCI archive records its digest too', async () => {
  await withRoot(async (t) => {
    const archive = join(dir, 'tiny-oci.tar');
    const created = await t.cli(['nfs', 'staging', 'create', 'st', '--kernel', TEST_KERNEL, '--source', `oci-archive:${archive}`,
      '--password-hash', HASH]);
    assert.equal(created.exitCode, 0, created.stderr);
    const shown = JSON.parse((await t.cli(['--json', 'image', 'show', 'st'])).stdout) as { attributes: Record<string, unknown> };
    assert.equal(shown.attributes.sourceDigest, await skopeoDigest(`oci-archive:${archive}`));
    const tree = stagingTree((await t.services()).paths, 'st');
    assert.ok(!existsSync(join(tree, TINY.deleted)), 'the whiteout of the second layer deleted the file');
    assert.equal((await stat(join(tree, TINY.owned))).uid, TINY.uid);
  });
});

test('each failure is one line with its exit code, and leaves no image, build folder or temporary behind', async () => {
  const cut = join(dir, 'cut-docker.tar');
  await copyFile(join(dir, 'tiny-docker.tar'), cut);
  await truncate(cut, 1_000_000);
  const openAuth = join(dir, 'open-auth.json');
  await writeFile(openAuth, '{"auths": {}}');
  await chmod(openAuth, 0o644);
  const cases: [string[], number, RegExp][] = [
    [['--source', `docker://${registry.host}/test/tiny:404`, '--tls-verify=false'], 1, /not found.*manifest unknown/],
    [['--source', `docker://127.0.0.1:${await freePort()}/test/tiny:1`, '--tls-verify=false'], 1, /cannot reach the registry.*connection refused/],
    [['--source', `docker-archive:${cut}`], 2, /cannot read the image in docker-archive:.*unexpected EOF/],
    [['--source', `docker://${registry.host}/test/tiny`], 2, /no tag or digest/],
    [['--source', 'oci-archive:relative.tar'], 2, /must be absolute/],
    [['--source', `oci-archive:${join(dir, 'missing.tar')}`], 2, /no such file/],
    [['--source', reference, '--tls-verify=false', '--registry-auth', openAuth], 2, /open to group or others.*chmod 600/],
    [['--source', `oci-archive:${join(dir, 'tiny-oci.tar')}`, '--tls-verify=false'], 2, /^disklessset: tls_verify \(--tls-verify\) only applies to a docker:\/\/ source/m],
  ];
  await withRoot(async (t) => {
    const s = await t.services();
    for (const [args, code, message] of cases) {
      const result = await t.cli(['livenet', 'create', 'bad', '--kernel', TEST_KERNEL, '--layout', 'flat', '--password-hash', HASH, ...args]);
      const what = args.join(' ');
      assert.equal(result.exitCode, code, `${what}: ${result.stderr}`);
      assert.match(result.stderr, message, what);
      // Progress lines may come first; the error itself is one line.
      const errors = result.stderr.split('\n').filter((line) => line.startsWith('disklessset:'));
      assert.equal(errors.length, 1, `${what}: one error line (${result.stderr})`);
      assert.match(errors[0] ?? '', message, what);
      // No summary line of the build before it: the error line is the one line about the failure.
      assert.doesNotMatch(result.stderr, /failed in|done in/, what);
      assert.equal((await t.cli(['image', 'list'])).stdout.includes('bad'), false, `${what}: no image left`);
      assert.deepEqual(await readdir(s.paths.workDir).catch(() => []), [], `${what}: no build folder left`);
      await assertConsistent(t.root, s.paths, what);
    }
  });
});

test('the pull folder of a killed command is named so that the next command removes it', async () => {
  await withRoot(async (t) => {
    const s = await t.services();
    // The name a pull by a process that no longer exists leaves behind (pid beyond the kernel's limit).
    const leftover = join(s.paths.workDir, '.oci-pull.tmp-99999999-0a1b2c3d');
    await mkdir(join(leftover, 'layout', 'blobs'), { recursive: true });
    assert.equal((await t.cli(['image', 'list'])).exitCode, 0);
    assert.ok(!existsSync(leftover), 'swept by the next command');
  });
});

test('a spec file names the registry source, and a rebuild pulls it again from the stored recipe with the same TLS setting', async () => {
  await withRoot(async (t) => {
    const spec = join(t.root, 'tiny.yml');
    await writeFile(spec, `kernel: ${TEST_KERNEL}\nsource: ${reference}\ntls_verify: false\nlayout: flat\npassword_hash: "!"\n`);
    const created = await t.cli(['livenet', 'create', 'tiny', '--from-file', spec]);
    assert.equal(created.exitCode, 0, created.stderr);
    const rebuilt = await t.cli(['livenet', 'rebuild', 'tiny']);
    assert.equal(rebuilt.exitCode, 0, rebuilt.stderr);
    const shown = JSON.parse((await t.cli(['--json', 'image', 'show', 'tiny'])).stdout) as { attributes: Record<string, unknown> };
    assert.equal(shown.attributes.sourceDigest, await skopeoDigest(reference));
    assert.equal(shown.attributes.tlsVerify, false);
  });
});

test('image rebuild and livenet rebuild take --registry-auth FILE, checked as at creation and never stored', async () => {
  await withRoot(async (t) => {
    const auth = join(t.root, 'auth.json');
    await writeFile(auth, '{"auths": {}}', { mode: 0o600 });
    const created = await t.cli(['livenet', 'create', 'tiny', '--kernel', TEST_KERNEL, '--source', reference, '--tls-verify=false',
      '--registry-auth', auth, '--layout', 'flat', '--password-hash', HASH]);
    assert.equal(created.exitCode, 0, created.stderr);
    const rebuilt = await t.cli(['image', 'rebuild', 'tiny', '--registry-auth', auth]);
    assert.equal(rebuilt.exitCode, 0, rebuilt.stderr);
    const data = await readFile(join((await t.services()).paths.imageDir('tiny'), 'image_data.yml'), 'utf8');
    assert.ok(!data.includes(auth), 'the auth file is not kept in the recipe');
    await chmod(auth, 0o644);
    const open = await t.cli(['livenet', 'rebuild', 'tiny', '--registry-auth', auth]);
    assert.equal(open.exitCode, 2, open.stderr);
    assert.match(open.stderr, /open to group or others.*chmod 600/);

    const archive = await t.cli(['livenet', 'create', 'arch', '--kernel', TEST_KERNEL, '--source', `oci-archive:${join(dir, 'tiny-oci.tar')}`,
      '--layout', 'flat', '--password-hash', HASH]);
    assert.equal(archive.exitCode, 0, archive.stderr);
    await chmod(auth, 0o600);
    const wrong = await t.cli(['image', 'rebuild', 'arch', '--registry-auth', auth]);
    assert.equal(wrong.exitCode, 2, wrong.stderr);
    assert.match(wrong.stderr, /only applies to a docker:\/\/ source/);
  });
});
