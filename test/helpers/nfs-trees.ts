/**
 * Helpers of the NFS tests: a small but real OS-like tree (modes, symbolic
 * and hard links, nested folders) and a fixture root with a staging image
 * made from it through the library.
 */
import assert from 'node:assert/strict';
import { chmod, link, mkdir, readdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempRoot, type TempRoot } from './temp-root.js';
import type { Services } from '../../src/services/services.js';
import { sha512Crypt } from '../../src/core/os/password.js';
import type { NfsGoldenImage } from '../../src/modules/nfs/golden-image.js';

/** Kernel of the legacy fixture that has its initramfs. */
export const FIXTURE_KERNEL = 'vmlinuz-4.18.0-147.el8.x86_64';
/** Hash of the password "secret" used by the tests. */
export const PASSWORD_HASH = sha512Crypt('secret', 'testsalt');

/** Writes a small OS-like tree at `dir`. */
export async function makeOsTree(dir: string): Promise<void> {
  for (const folder of ['etc', 'usr/bin', 'var/log', 'root', 'tmp']) await mkdir(join(dir, folder), { recursive: true });
  await writeFile(join(dir, 'etc/os-release'), 'ID=debian\nVERSION_ID="12"\n');
  await writeFile(join(dir, 'etc/shadow'), 'root:*:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n', { mode: 0o640 });
  await writeFile(join(dir, 'etc/hostname'), 'template\n');
  await writeFile(join(dir, 'usr/bin/tool'), '#!/bin/sh\necho tool\n', { mode: 0o755 });
  await link(join(dir, 'usr/bin/tool'), join(dir, 'usr/bin/tool-alias'));
  await symlink('usr/bin', join(dir, 'bin'));
  await writeFile(join(dir, 'usr/bin/data.bin'), Buffer.alloc(256 * 1024, 7));
  await chmod(join(dir, 'tmp'), 0o1777);
}

/** A temporary root copied from the legacy fixture, with staging image `stage1` built from a real tree. */
export async function rootWithStaging(): Promise<{ temp: TempRoot; services: Services; source: string }> {
  const temp = await makeTempRoot('legacy-v1-root');
  const source = join(temp.root, 'source-tree');
  await makeOsTree(source);
  const services = await temp.services();
  await services.images.create('NfsStagingImage', 'stage1', {
    kernel: FIXTURE_KERNEL, source: { kind: 'dir', path: source }, type: 'core', packages: [],
    passwordHash: PASSWORD_HASH, release: '12', selinux: false, optimize: false,
  });
  return { temp, services, source };
}

/**
 * Creates staging image `name` through the CLI (`nfs staging create`) from
 * a fresh OS-like tree and a password file, both under the root; `extra`
 * adds options. Returns the tree's path.
 */
export async function stagingByCli(temp: TempRoot, name: string, extra: string[] = []): Promise<string> {
  const source = join(temp.root, `tree-${name}`);
  await makeOsTree(source);
  const made = await temp.cli(['nfs', 'staging', 'create', name, '--kernel', FIXTURE_KERNEL, '--source', `dir:${source}`,
    '--password-file', await passwordFile(temp), ...extra]);
  assert.equal(made.exitCode, 0, made.stderr);
  return source;
}

/** Path of a file under the root holding the password "secret" (written on first use). */
export async function passwordFile(temp: TempRoot): Promise<string> {
  const file = join(temp.root, 'password');
  await writeFile(file, 'secret\n');
  return file;
}

/** Sorted names in a folder (hidden ones included). */
export async function entries(dir: string): Promise<string[]> {
  return (await readdir(dir)).sort();
}

/** Loads a golden image as its class. */
export async function golden(services: Services, name: string): Promise<NfsGoldenImage> {
  return (await services.images.get(name)) as NfsGoldenImage;
}
