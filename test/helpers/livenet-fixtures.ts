/**
 * Fixtures of the livenet tests: a small OS tree made of busybox-static, and a
 * dummy kernel with its initramfs so that the kernel counts as available.
 */
import { chmod, copyFile, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha512Crypt } from '../../src/core/os/password.js';
import { parseSource } from '../../src/core/os/sources.js';
import { Paths } from '../../src/core/paths.js';
import type { Services } from '../../src/services/services.js';
import assert from 'node:assert/strict';
import type { VersionEntry } from '../../src/core/image/version-operations.js';
import { resizeLivenet } from '../../src/modules/livenet/maintenance.js';
import { makeTempRoot, type TempRoot } from './temp-root.js';

export const TEST_KERNEL = 'vmlinuz-6.1.0-test';

/** Writes a tiny bootable-looking tree: busybox, a shell link, passwd/shadow and os-release (a link, as on Debian). */
export async function makeBusyboxTree(parent?: string): Promise<string> {
  const tree = await mkdtemp(join(parent ?? tmpdir(), 'busybox-tree-'));
  try {
    for (const dir of ['bin', 'etc', 'root', 'usr/lib', 'proc', 'sys', 'dev', 'tmp']) await mkdir(join(tree, dir), { recursive: true });
    await chmod(join(tree, 'tmp'), 0o1777);
    await copyFile('/bin/busybox', join(tree, 'bin', 'busybox'));
    await chmod(join(tree, 'bin', 'busybox'), 0o755);
    for (const tool of ['sh', 'cat', 'ls', 'echo']) await symlink('busybox', join(tree, 'bin', tool));
    await writeFile(join(tree, 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
    await writeFile(join(tree, 'etc', 'shadow'), 'root:*:19000:0:99999:7:::\nnobody:*:19000:0:99999:7:::\n', { mode: 0o640 });
    await writeFile(join(tree, 'usr', 'lib', 'os-release'), 'NAME="Busybox Test"\nID=busybox\n');
    await symlink('../usr/lib/os-release', join(tree, 'etc', 'os-release'));
  } catch (error) {
    // A half-made tree is not left in /tmp (the caller never got its path to clean).
    await rm(tree, { recursive: true, force: true });
    throw error;
  }
  return tree;
}

/** Puts a dummy kernel and initramfs in the kernels folder of a root. */
export async function addDummyKernel(kernelsDir: string, kernel = TEST_KERNEL): Promise<void> {
  await mkdir(kernelsDir, { recursive: true });
  await writeFile(join(kernelsDir, kernel), 'not a real kernel\n');
  await writeFile(join(kernelsDir, kernel.replace(/^vmlinuz-/, 'initramfs-kernel-')), 'not a real initramfs\n');
}

/**
 * A temporary root holding one livenet image `v1` built from a busybox tree
 * with the dummy kernel (one version); `config` is written as diskless.yml.
 * The caller cleans up `t`.
 */
export async function builtImage(config?: string): Promise<{ t: TempRoot; s: Services; dir: string }> {
  const t = await makeTempRoot();
  try {
    if (config) {
      await mkdir(join(t.root, 'etc', 'diskless'), { recursive: true });
      await writeFile(Paths.configFile(t.root), config);
    }
    const tree = await makeBusyboxTree(t.root);
    const s = await t.services();
    await addDummyKernel(s.paths.kernelsDir);
    await s.images.create('LivenetImage', 'v1', {
      kernel: TEST_KERNEL, type: 'core', sizeMiB: 128, source: parseSource(`dir:${tree}`), passwordHash: sha512Crypt('pw'),
      selinux: false, packages: [], optimize: false, compression: 'zstd', layout: 'liveos',
    });
    return { t, s, dir: s.paths.imageDir('v1') };
  } catch (error) {
    await t.cleanup();
    throw error;
  }
}

/** `v1` with two versions: `created` (kept) and `resized` (current, a resize to 200 MiB); `root` is the created version's root image. */
export interface TwoVersions { t: TempRoot; s: Services; dir: string; created: VersionEntry; resized: VersionEntry; root: string }

/** Runs `body` on a fresh {@link TwoVersions}, cleaning the temporary root afterwards. */
export async function withTwoVersions(body: (versions: TwoVersions) => Promise<void>): Promise<void> {
  const { t, s, dir } = await builtImage();
  try {
    const [created] = await s.images.history('v1');
    await resizeLivenet(s, 'v1', 200);
    const [resized] = await s.images.history('v1');
    assert.ok(created && resized && created.id !== resized.id);
    await body({ t, s, dir, created, resized, root: join(dir, `squashfs-${created.id}.img`) });
  } finally {
    await t.cleanup();
  }
}
