import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempRoot, type TempRoot } from '../helpers/temp-root.js';
import { runCli } from '../helpers/run-cli.js';
import { fingerprintTree, makeSentinel, type Sentinel } from '../helpers/sentinel.js';
import { validateImageName, validateKernelName, validateTokenId } from '../../src/core/names.js';
import { Paths } from '../../src/core/paths.js';
import { TokenStore } from '../../src/api/token-store.js';
import { mountLivenet, shellLivenet, unmountLivenet } from '../../src/modules/livenet/editing.js';
import { rebuildLivenet, resizeLivenet } from '../../src/modules/livenet/maintenance.js';
import { addGoldenNodes, listGoldenNodes, removeGoldenNodes } from '../../src/modules/nfs/golden-nodes.js';

async function snapshot(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true });
  return entries.map(String).sort();
}

const MALICIOUS = ['../escape', '/etc/passwd', 'a/b', '-rf', '.hidden', 'x;rm -rf /', '$(reboot)', '`id`', 'name with space',
  'a'.repeat(65), '', 'new\nline', 'tab\tname', 'é', 'a|b', "quote'"];

test('malicious image names are refused with exit code 2 and change nothing', async () => {
  const t = await makeTempRoot();
  try {
    assert.equal((await runCli(['demo', 'create', 'ok', '--message', 'm'], { root: t.root })).exitCode, 0);
    const before = await snapshot(t.root);
    for (const name of MALICIOUS) {
      const result = await runCli(['demo', 'create', name, '--message', 'm'], { root: t.root });
      assert.equal(result.exitCode, 2, `name ${JSON.stringify(name)} must be refused: ${result.stderr}`);
      // A name starting with '-' is taken for an option: refused as well, by the parser.
      assert.match(result.stderr, name.startsWith('-') ? /unknown option/ : /invalid image name/);
      assert.equal(result.stderr.trim().split('\n').length, 1);
    }
    assert.deepEqual(await snapshot(t.root), before);
    assert.equal((await runCli(['image', 'remove', '../ok', '--yes'], { root: t.root })).exitCode, 2);
  } finally {
    await t.cleanup();
  }
});

test('valid names are accepted', () => {
  for (const name of ['a', 'compute_01', 'rocky-8.9', 'img+debug', 'A'.repeat(64)]) assert.equal(validateImageName(name), name);
  assert.ok(join('x', 'a').length > 0);
});

test('an OS source tree with file systems mounted below it is refused, and the whole system never is copied', async () => {
  const t = await makeTempRoot();
  try {
    const { assertNothingMounted, mountsUnder } = await import('../../src/system/mount.js');
    assert.ok((await mountsUnder('/')).length > 1, 'mounts below / are seen');
    await assert.rejects(assertNothingMounted('/'), (error: { code?: string }) => error.code === 'E_TREE_MOUNTED');
    await assertNothingMounted(t.root);
    const { unmountTree } = await import('../../src/system/mount.js');
    await assert.rejects(unmountTree('/'), (error: { code?: string }) => error.code === 'E_UNSAFE_PATH');
  } finally {
    await t.cleanup();
  }
});

/** A name that, joined under the image locks folder, would land on `victim` in the sentinel. */
async function lockTraversal(t: TempRoot, sentinel: Sentinel): Promise<string> {
  const locks = join(t.root, 'var', 'lib', 'diskless', 'locks');
  return sentinel.relativeFrom(locks, 'victim');
}

test('a traversal image name is refused before any lock or folder: set-kernel, resize, mount, remove, clean (CLI)', async () => {
  const t = await makeTempRoot();
  const sentinel = await makeSentinel();
  try {
    const name = await lockTraversal(t, sentinel);
    assert.match(name, /^\.\.\//);
    const before = await sentinel.fingerprint();
    const rootBefore = await fingerprintTree(t.root);
    for (const args of [['image', 'set-kernel', name, 'vmlinuz-1'], ['livenet', 'resize', name, '2G'], ['livenet', 'mount', name],
      ['image', 'remove', name, '--yes'], ['image', 'clean', name, '--yes']]) {
      const result = await runCli(args, { root: t.root });
      assert.equal(result.exitCode, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
      assert.match(result.stderr, /invalid image name/);
      assert.equal(result.stdout, '');
    }
    assert.deepEqual(await sentinel.fingerprint(), before, 'nothing outside the root changed (victim.lock still there)');
    assert.deepEqual(await fingerprintTree(t.root), rootBefore, 'nothing created inside the root either');
  } finally {
    await sentinel.cleanup();
    await t.cleanup();
  }
});

test('kernel names and token ids are refused before anything is printed or touched (CLI)', async () => {
  const t = await makeTempRoot();
  try {
    const rootBefore = await fingerprintTree(t.root);
    for (const [args, message] of [[['kernel', 'initramfs', '../../../etc/vmlinuz-1'], /invalid kernel name/],
      [['image', 'set-kernel', 'img', 'vmlinuz-../../x'], /invalid kernel name/],
      [['api', 'token', 'revoke', '../x'], /invalid API token id/]] as const) {
      const result = await runCli([...args], { root: t.root });
      assert.equal(result.exitCode, 2, result.stderr);
      assert.equal(result.stdout, '');
      assert.equal(result.stderr.trim().split('\n').length, 1);
      assert.match(result.stderr, message);
    }
    assert.deepEqual(await fingerprintTree(t.root), rootBefore);
  } finally {
    await t.cleanup();
  }
});

test('every library entry point refuses a traversal name before it locks or touches anything', async () => {
  const t = await makeTempRoot();
  const sentinel = await makeSentinel();
  try {
    const services = await t.services();
    const name = await lockTraversal(t, sentinel);
    const before = await sentinel.fingerprint();
    const rootBefore = await fingerprintTree(t.root);
    const { images, kernels } = services;
    let ran = false;
    const attempts: [string, () => Promise<unknown>][] = [
      ['withImageLock', () => images.withImageLock(name, async () => { ran = true; })],
      ['setKernel', () => images.setKernel(name, 'vmlinuz-1')],
      ['remove', () => images.remove(name, { force: true })],
      ['clean', () => images.clean(name)],
      ['status', () => images.status(name)],
      ['get', () => images.get(name)],
      ['resizeLivenet', () => resizeLivenet(services, name, 2048)],
      ['mountLivenet', () => mountLivenet(services, name)],
      ['unmountLivenet', () => unmountLivenet(services, name)],
      ['shellLivenet', () => shellLivenet(services, name, ['true'])],
      ['rebuildLivenet', () => rebuildLivenet(services, name)],
      ['rollback', () => services.images.rollback(name, 'previous')],
      ['history', () => services.images.history(name)],
      ['addGoldenNodes', () => addGoldenNodes(services, name, 'n1')],
      ['removeGoldenNodes', () => removeGoldenNodes(services, name, 'n1')],
      ['listGoldenNodes', () => listGoldenNodes(services, name)],
    ];
    for (const [label, attempt] of attempts) {
      await assert.rejects(attempt(), (error: { code?: string }) => error.code === 'E_IMAGE_NAME', label);
    }
    for (const kernel of ['../vmlinuz-1', 'vmlinuz-../../x', 'initramfs-kernel-1', '']) {
      await assert.rejects(kernels.get(kernel), (error: { code?: string }) => error.code === 'E_KERNEL_NAME', kernel);
      await assert.rejects(kernels.generateInitramfs(kernel), (error: { code?: string }) => error.code === 'E_KERNEL_NAME', kernel);
    }
    await assert.rejects(new TokenStore(services.paths).revoke('../../x'), (error: { code?: string }) => error.code === 'E_API_TOKEN_ID');
    assert.equal(ran, false, 'the locked action never ran');
    assert.deepEqual(await sentinel.fingerprint(), before);
    assert.deepEqual(await fingerprintTree(t.root), rootBefore);
  } finally {
    await sentinel.cleanup();
    await t.cleanup();
  }
});

test('the paths module re-checks every name it turns into a path', async () => {
  const paths = new Paths('/tmp/some-root');
  for (const bad of ['..', '../x', 'a/b', '', '.hidden', 'x\n']) {
    for (const method of ['imageDir', 'imageWorkDir', 'imageLock', 'stagingTree', 'goldenRoot'] as const) {
      assert.throws(() => paths[method](bad), (error: { code?: string }) => error.code === 'E_IMAGE_NAME', `${method}(${bad})`);
    }
  }
  assert.equal(paths.imageLock('img-1'), '/tmp/some-root/var/lib/diskless/locks/img-1');
  assert.equal(validateKernelName('vmlinuz-6.1.0-28-amd64'), 'vmlinuz-6.1.0-28-amd64');
  assert.equal(validateTokenId('0123456789ab'), '0123456789ab');
});

test('names shaped like files the server never serves are refused: such an image could not boot and would pass for a leftover', async () => {
  for (const name of ['victim.lock', 'x.LOCK', 'recipe.yml', 'old.YAML', 'work.tmp', 'copy.bak', 'edit.swp', 'patch.orig', 'x.rej']) {
    assert.throws(() => validateImageName(name), (error: { code?: string }) => error.code === 'E_IMAGE_NAME', name);
  }
  assert.throws(() => validateKernelName('vmlinuz-6.1.lock'), (error: { code?: string }) => error.code === 'E_KERNEL_NAME');
  assert.equal(validateImageName('rocky9.lockdown'), 'rocky9.lockdown');
  const t = await makeTempRoot();
  try {
    const refused = await runCli(['demo', 'create', 'victim.lock', '--message', 'hi'], { root: t.root });
    assert.equal(refused.exitCode, 2, refused.stderr);
    assert.equal(refused.stderr.trim().split('\n').length, 1);
    assert.equal((await runCli(['image', 'list', '--json'], { root: t.root })).stdout.includes('victim.lock'), false);
  } finally {
    await t.cleanup();
  }
});
