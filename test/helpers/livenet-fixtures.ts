/**
 * Fixtures of the livenet tests: a small OS tree made of busybox-static, and a
 * dummy kernel with its initramfs so that the kernel counts as available.
 */
import { chmod, copyFile, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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
