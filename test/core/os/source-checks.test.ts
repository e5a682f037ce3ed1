import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempRoot } from '../../helpers/temp-root.js';
import { checkSourceUsable, sourceScope } from '../../../src/core/os/source-checks.js';
import { parseSource } from '../../../src/core/os/sources.js';
import { run } from '../../../src/system/runner.js';

test('the host root, kernel file systems and non-tar files are refused as sources', async () => {
  const t = await makeTempRoot();
  try {
    const scope = sourceScope((await t.services()).paths);
    for (const spec of ['dir:/', 'dir:/dev', 'dir:/proc', 'dir:/sys', 'dir:/proc/self', 'dir:/sys/kernel', 'dir:/dev/pts', 'dir:/dev/shm', 'dir:/run',
      'tar:/etc/passwd', 'tar:/proc/self/environ', 'dir:/etc/passwd', 'tar:/etc', 'dir:/nonexistent/tree', 'tar:/nonexistent.tar']) {
      await assert.rejects(checkSourceUsable(parseSource(spec), scope), { code: 'E_SOURCE', kind: 'usage' }, spec);
    }
    await assert.doesNotReject(checkSourceUsable(parseSource('dnf'), scope));
  } finally {
    await t.cleanup();
  }
});

test('trees and tarballs of their own are accepted, plain or compressed', async () => {
  const t = await makeTempRoot();
  try {
    const scope = sourceScope((await t.services()).paths);
    const tree = join(t.root, 'tree');
    await mkdir(join(tree, 'etc'), { recursive: true });
    await writeFile(join(tree, 'etc', 'os-release'), 'ID=test\n');
    await checkSourceUsable(parseSource(`dir:${tree}`), scope);
    for (const [name, flag] of [['rootfs.tar', ''], ['rootfs.tar.gz', '-z'], ['rootfs.tar.xz', '-J'], ['rootfs.tar.zst', '--zstd']]) {
      const archive = join(t.root, name as string);
      await run(['tar', ...(flag ? [flag] : []), '-cf', archive, '-C', tree, '.']);
      await checkSourceUsable(parseSource(`tar:${archive}`), scope);
    }
  } finally {
    await t.cleanup();
  }
});

test('the tool\'s own folders are refused, OS trees inside its NFS and work folders are not', async () => {
  const t = await makeTempRoot();
  try {
    const services = await t.services();
    await services.images.ensureLayout();
    const { paths } = services;
    const scope = sourceScope(paths);
    const staged = join(paths.stagingDir, 'stage1');
    await mkdir(join(paths.imagesDir, 'img'), { recursive: true });
    await mkdir(staged, { recursive: true });
    for (const folder of [t.root, paths.imagesDir, join(paths.imagesDir, 'img'), paths.stateDir, paths.nfsImagesDir, paths.workDir,
      paths.httpRoot]) {
      await assert.rejects(checkSourceUsable(parseSource(`dir:${folder}`), scope), { code: 'E_SOURCE' }, folder);
    }
    await checkSourceUsable(parseSource(`dir:${staged}`), scope);
  } finally {
    await t.cleanup();
  }
});

test('API requests only build from trees inside the allowed folders', async () => {
  const t = await makeTempRoot();
  try {
    const services = await t.services();
    await services.images.ensureLayout();
    const { paths } = services;
    const outside = join(t.root, 'tree');
    const inside = join(paths.workDir, 'tree');
    await mkdir(outside, { recursive: true });
    await mkdir(inside, { recursive: true });
    const scope = sourceScope(paths, [paths.workDir, paths.nfsImagesDir]);
    await assert.rejects(checkSourceUsable(parseSource(`dir:${outside}`), scope), { code: 'E_API_PATH_NOT_ALLOWED', kind: 'usage' });
    await assert.rejects(checkSourceUsable(parseSource('tar:/etc/passwd'), scope), { code: 'E_API_PATH_NOT_ALLOWED' });
    await checkSourceUsable(parseSource(`dir:${inside}`), scope);
  } finally {
    await t.cleanup();
  }
});
