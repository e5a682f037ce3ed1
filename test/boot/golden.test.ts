/**
 * Golden files: the iPXE text nodes download, made through the library on a
 * temporary root and compared byte for byte with test/boot/golden/. A change
 * of any boot file must show up here as a reviewed change of an expected
 * file. `DISKLESS_UPDATE_GOLDEN=1` rewrites the expected files instead.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempRoot, REPO_ROOT, type TempRoot } from '../helpers/temp-root.js';
import { entryScriptPath, installBootGuards, nodeScriptPath, refreshBootMenu, setBoot } from '../../src/boot/index.js';
import type { Services } from '../../src/services/services.js';
import { sha512Crypt } from '../../src/core/os/password.js';
import { parseSource } from '../../src/core/os/sources.js';
import type { LivenetOptions } from '../../src/modules/livenet/options.js';
import { addDummyKernel, makeBusyboxTree, TEST_KERNEL } from '../helpers/livenet-fixtures.js';
import { rootWithStaging } from '../helpers/nfs-trees.js';

const GOLDEN = join(REPO_ROOT, 'test', 'boot', 'golden');

/** Compares `actual` (temp root prefix replaced by `<ROOT>`) with the expected file `name`. */
async function assertGolden(temp: TempRoot, name: string, actual: string): Promise<void> {
  const normalised = actual.split(temp.root).join('<ROOT>');
  const file = join(GOLDEN, name);
  if (process.env.DISKLESS_UPDATE_GOLDEN === '1') await writeFile(file, normalised);
  assert.equal(normalised, await readFile(file, 'utf8'), `${name} differs from test/boot/golden/${name}`);
}

/** The image's boot file, its version id (a hash of the bytes built) written `<VERSION>`. */
async function bootFileOf(services: Services, image: string): Promise<string> {
  const version = (await services.images.get(image)).data.version;
  const text = await readFile(join(services.paths.imageDir(image), 'boot.ipxe'), 'utf8');
  return typeof version === 'string' ? text.split(version).join('<VERSION>') : text;
}

function livenetOptions(tree: string, overrides: Partial<LivenetOptions>): LivenetOptions {
  return {
    kernel: TEST_KERNEL, type: 'core', sizeMiB: 64, source: parseSource(`dir:${tree}`), passwordHash: sha512Crypt('n0de-pass'),
    selinux: false, packages: [], optimize: false, compression: 'gzip', layout: 'liveos', ...overrides,
  };
}

test('livenet boot files (liveos with SELinux, flat without) match the golden files', async () => {
  const temp = await makeTempRoot();
  try {
    const tree = await makeBusyboxTree(temp.root);
    const services = await temp.services();
    await addDummyKernel(services.paths.kernelsDir);
    await services.images.create('LivenetImage', 'compute', livenetOptions(tree, { selinux: true }));
    await services.images.create('LivenetImage', 'flat1', livenetOptions(tree, { layout: 'flat', sizeMiB: 0 }));
    await assertGolden(temp, 'livenet-liveos.ipxe', await bootFileOf(services, 'compute'));
    await assertGolden(temp, 'livenet-flat.ipxe', await bootFileOf(services, 'flat1'));
  } finally {
    await temp.cleanup();
  }
});

test('NFS staging and golden boot files match the golden files', async () => {
  const { temp, services } = await rootWithStaging();
  try {
    await services.images.create('NfsGoldenImage', 'gold', { from: 'stage1' });
    await assertGolden(temp, 'nfs-staging.ipxe', await bootFileOf(services, 'stage1'));
    await assertGolden(temp, 'nfs-golden.ipxe', await bootFileOf(services, 'gold'));
  } finally {
    await temp.cleanup();
  }
});

test('demo boot file, node scripts and entry script with its menu match the golden files', async () => {
  const temp = await makeTempRoot();
  try {
    const services = await temp.services();
    installBootGuards(services);
    await refreshBootMenu(services);
    await assertGolden(temp, 'entry-empty.ipxe', await readFile(entryScriptPath(services.paths), 'utf8'));
    await services.images.create('DemoImage', 'alpha', { message: 'Hello from alpha' });
    await services.images.create('DemoImage', 'beta', { message: 'line one\nline two costs $5 or ${cost}' });
    await setBoot(services, 'c[01-02]', 'alpha');
    await setBoot(services, '52-54-00-12-34-56', 'beta');
    await assertGolden(temp, 'demo-alpha.ipxe', await bootFileOf(services, 'alpha'));
    await assertGolden(temp, 'demo-beta.ipxe', await bootFileOf(services, 'beta'));
    await assertGolden(temp, 'node-c01.ipxe', await readFile(nodeScriptPath(services.paths, 'c01'), 'utf8'));
    await assertGolden(temp, 'node-mac.ipxe', await readFile(nodeScriptPath(services.paths, '52-54-00-12-34-56'), 'utf8'));
    await assertGolden(temp, 'entry.ipxe', await readFile(entryScriptPath(services.paths), 'utf8'));
  } finally {
    await temp.cleanup();
  }
});
