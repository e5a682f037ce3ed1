/** Input files named by the administrator: a FIFO, a device or a folder is refused at once, exit 2. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeTempRoot } from '../helpers/temp-root.js';
import { addDummyKernel, makeBusyboxTree, TEST_KERNEL } from '../helpers/livenet-fixtures.js';
import { readInputFile, requireRegularFile } from '../../src/core/input-file.js';
import { sha512Crypt } from '../../src/core/os/password.js';

async function inputs(): Promise<{ dir: string; fifo: string; folder: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'disklessset-input-'));
  const fifo = join(dir, 'fifo');
  execFileSync('mkfifo', [fifo]);
  const folder = join(dir, 'folder');
  await mkdir(folder);
  return { dir, fifo, folder, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

test('requireRegularFile and readInputFile name what the path is instead of waiting on it', async () => {
  const { dir, fifo, folder, cleanup } = await inputs();
  try {
    await writeFile(join(dir, 'plain'), 'text');
    assert.equal(await readInputFile(join(dir, 'plain'), 'the file', 'hint'), 'text');
    for (const [path, kind] of [[fifo, 'a FIFO'], ['/dev/zero', 'a device'], [folder, 'a folder']] as const) {
      await assert.rejects(requireRegularFile(path, 'hint'), { code: 'E_NOT_REGULAR_FILE', message: `not a regular file: ${path} (${kind})` });
      await assert.rejects(readInputFile(path, 'the file', 'hint'), { code: 'E_NOT_REGULAR_FILE' });
    }
    await assert.rejects(requireRegularFile(join(dir, 'none'), 'hint'), { code: 'E_FILE_NOT_FOUND' });
  } finally {
    await cleanup();
  }
});

test('kernel add refuses a FIFO, a device or a folder (as the kernel or as --initramfs) as not a regular file', async () => {
  const t = await makeTempRoot();
  const { dir, fifo, folder, cleanup } = await inputs();
  try {
    const kernel = join(dir, 'vmlinuz-6.1.0-3-amd64');
    await writeFile(kernel, 'kernel bytes');
    for (const argv of [['kernel', 'add', '/dev/zero', '--version', '1.0'], ['kernel', 'add', fifo, '--version', '1.0'],
      ['kernel', 'add', folder, '--version', '1.0'], ['kernel', 'add', kernel, '--initramfs', fifo], ['kernel', 'add', kernel, '--initramfs', folder]]) {
      const run = await t.cli(argv);
      assert.equal(run.exitCode, 2, `${argv.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, /not a regular file: /);
      assert.doesNotMatch(run.stderr, /no such file/);
    }
    assert.deepEqual(JSON.parse((await t.cli(['--json', 'kernel', 'list'])).stdout), []);
  } finally {
    await cleanup();
    await t.cleanup();
  }
});

test('livenet and nfs staging create refuse a FIFO as --password-file, --ssh-key or --from-file, nothing created', async () => {
  const t = await makeTempRoot();
  const { fifo, cleanup } = await inputs();
  try {
    const services = await t.services();
    await addDummyKernel(services.paths.kernelsDir);
    const tree = await makeBusyboxTree(t.root);
    const hash = sha512Crypt('pw');
    const common = ['--kernel', TEST_KERNEL, '--source', `dir:${tree}`];
    for (const create of [['livenet', 'create', 'img', '--size', '1G'], ['nfs', 'staging', 'create', 'img']]) {
      for (const extra of [['--password-file', fifo], ['--password-hash', hash, '--ssh-key', fifo], ['--from-file', fifo]]) {
        const run = await t.cli([...create, ...common, ...extra]);
        assert.equal(run.exitCode, 2, `${[...create, ...extra].join(' ')}: ${run.stderr}`);
        assert.match(run.stderr, new RegExp(`not a regular file: ${fifo} \\(a FIFO\\)`));
      }
    }
    assert.deepEqual(await readdir(services.paths.imagesDir).catch(() => []), []);
  } finally {
    await cleanup();
    await t.cleanup();
  }
});
