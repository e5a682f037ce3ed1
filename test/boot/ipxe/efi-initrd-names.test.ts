/**
 * Under UEFI, iPXE starts the kernel through its EFI stub, which does not
 * receive iPXE's initrds the BIOS way: it opens each file named by an
 * `initrd=NAME` argument on its command line from iPXE's virtual file system.
 * So every initrd a boot file loads must carry a `--name` (never with the
 * URL's query) and that name must be on the kernel line; the BIOS path
 * ignores the argument. Checked on the text of every boot file that boots a
 * kernel.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTempRoot } from '../../helpers/temp-root.js';
import { livenetBootFile, nfsBootFile } from '../../../src/boot/ipxe.js';
import type { Paths } from '../../../src/core/paths.js';

/** The names of the initrds `script` loads, and the `initrd=` arguments of its kernel line (variables expanded with `vars`). */
function initrdNames(script: string, vars: Record<string, string>): { loaded: string[]; named: string[] } {
  const expand = (text: string) => text.replace(/\$\{([a-z-]+)\}/g, (whole, name: string) => vars[name] ?? whole);
  const lines = script.split('\n').map((line) => expand(line.trim()));
  const kernelLines = lines.filter((line) => /^kernel\s/.test(line));
  assert.equal(kernelLines.length, 1, 'one kernel line');
  const named = (kernelLines[0] as string).split(/\s+/).filter((word) => word.startsWith('initrd=')).map((word) => word.slice('initrd='.length));
  const loaded = lines.filter((line) => /^(initrd|imgfetch|module)\s/.test(line)).map((line) => {
    const name = /\s--name\s+(\S+)/.exec(line)?.[1];
    assert.ok(name, `initrd line without --name (the EFI stub could not find it): ${line}`);
    assert.doesNotMatch(name, /[?&]/, `an initrd name must not carry the URL query: ${line}`);
    return name;
  });
  return { loaded, named };
}

async function paths(): Promise<{ paths: Paths; done: () => Promise<void> }> {
  const temp = await makeTempRoot();
  return { paths: (await temp.services()).paths, done: () => temp.cleanup() };
}

test('under UEFI the kernel line names every initrd the livenet and NFS boot files load, in load order', async () => {
  const { paths: p, done } = await paths();
  try {
    // A node with an overlay archive: its node script sets both overlay variables (ipxe/node-script.ts).
    const vars = { 'image-initramfs': 'initramfs-kernel-6.1.0-57-amd64', 'image-kernel': 'vmlinuz-6.1.0-57-amd64',
      'diskless-overlay-arg': 'initrd=overlay' };
    const files = {
      'livenet liveos': livenetBootFile(p, { name: 'img', kernel: vars['image-kernel'], initramfs: vars['image-initramfs'], selinux: false,
        layout: 'liveos', squashfsFile: 'squashfs.img', defaultConsole: 'console=ttyS0' }),
      'livenet flat': livenetBootFile(p, { name: 'img', kernel: vars['image-kernel'], initramfs: vars['image-initramfs'], selinux: true,
        layout: 'flat', squashfsFile: 'squashfs.img', defaultConsole: 'console=ttyS0' }),
      'nfs staging': nfsBootFile({ paths: p, imageName: 'img', kind: 'staging', kernel: vars['image-kernel'], initramfs: vars['image-initramfs'],
        nfsRoot: '/nfsimages/staging/img', perNode: false, defaultConsole: 'console=ttyS0' }),
      'nfs golden': nfsBootFile({ paths: p, imageName: 'img', kind: 'golden', kernel: vars['image-kernel'], initramfs: vars['image-initramfs'],
        nfsRoot: '/nfsimages/golden/img/nodes', perNode: true, defaultConsole: 'console=ttyS0' }),
    };
    for (const [kind, script] of Object.entries(files)) {
      // Two paths, each with its kernel line: the single-server one, and the boot server failover after its label (ipxe/failover.ts).
      const paths = script.split('\n:diskless_failover\n');
      assert.equal(paths.length, 2, `${kind}: a single-server path and a failover path`);
      for (const [index, path] of paths.entries()) {
        const { loaded, named } = initrdNames(path, vars);
        assert.ok(loaded.includes(vars['image-initramfs']), `${kind} (path ${index}): loads the image's initramfs`);
        assert.deepEqual(named, loaded, `${kind} (path ${index}): initrd= arguments must name each loaded initrd once, in load order`);
      }
    }
  } finally {
    await done();
  }
});
