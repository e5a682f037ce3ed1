/**
 * The shipped dracut module `diskless-overlay`: its pre-pivot hook run with
 * /bin/sh on a fake new root and a fake unpacked overlay (as the kernel
 * leaves it in the initramfs), and the staged dracut base folder that makes
 * dracut see the module without writing into the system's dracut folder.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, chown, lstat, mkdir, mkdtemp, readFile, readdir, readlink, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/system/runner.js';
import { OVERLAY_DRACUT_MODULE_DIR, shippedDracutModulesDir, stageDracutBase } from '../../src/system/dracut-overlay-module.js';

const HOOK = join(shippedDracutModulesDir(), OVERLAY_DRACUT_MODULE_DIR, 'diskless-overlay.sh');

/** Runs the hook as dracut would (NEWROOT set), with the overlay at `overlay`. */
async function runHook(newRoot: string, overlay: string) {
  return run(['/bin/sh', HOOK], { env: { NEWROOT: newRoot, DISKLESS_OVERLAY_DIR: overlay }, timeoutMs: 60_000 });
}

async function scratch(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'disklessset-overlay-hook-'));
}

test('the overlay hook copies files, links, modes and owners into the new root and says how many on the console', async () => {
  const base = await scratch();
  try {
    const newRoot = join(base, 'sysroot');
    const overlay = join(base, 'diskless-overlay');
    // The image: /etc 0755 root, a hostname to replace, resolv.conf a link to a file that must not be written through.
    await mkdir(join(newRoot, 'etc'), { recursive: true, mode: 0o755 });
    await chmod(join(newRoot, 'etc'), 0o755);
    await writeFile(join(newRoot, 'etc', 'hostname'), 'image-default\n');
    await mkdir(join(newRoot, 'run'));
    await writeFile(join(newRoot, 'run', 'stub-resolv.conf'), 'nameserver 127.0.0.53\n');
    await symlink('../run/stub-resolv.conf', join(newRoot, 'etc', 'resolv.conf'));
    await mkdir(join(newRoot, 'var', 'log'), { recursive: true });

    // The overlay as unpacked from the node's archive.
    await mkdir(join(overlay, 'etc', 'ssh'), { recursive: true });
    await chmod(join(overlay, 'etc'), 0o700); // must not change the image's /etc
    await writeFile(join(overlay, 'etc', 'hostname'), 'node1\n');
    await chmod(join(overlay, 'etc', 'hostname'), 0o644);
    await writeFile(join(overlay, 'etc', 'ssh', 'ssh_host_ed25519_key'), 'PRIVATE KEY\n');
    await chmod(join(overlay, 'etc', 'ssh', 'ssh_host_ed25519_key'), 0o600);
    await writeFile(join(overlay, 'etc', 'resolv.conf'), 'nameserver 10.0.0.1\n');
    await symlink('/usr/share/zoneinfo/Europe/Paris', join(overlay, 'etc', 'localtime'));
    await mkdir(join(overlay, 'srv', 'scratch'), { recursive: true });
    await chmod(join(overlay, 'srv', 'scratch'), 0o750);
    await chown(join(overlay, 'srv', 'scratch'), 1234, 1235);
    await writeFile(join(overlay, 'srv', 'scratch', 'owned'), 'x');
    await chown(join(overlay, 'srv', 'scratch', 'owned'), 1234, 1235);

    const result = await runHook(newRoot, overlay);
    assert.equal(result.stderr.trim(), 'diskless-overlay: 5 files applied');

    assert.equal(await readFile(join(newRoot, 'etc', 'hostname'), 'utf8'), 'node1\n');
    assert.equal((await stat(join(newRoot, 'etc'))).mode & 0o7777, 0o755, 'the image keeps its own /etc mode');
    assert.equal((await stat(join(newRoot, 'etc', 'ssh', 'ssh_host_ed25519_key'))).mode & 0o7777, 0o600);
    // The link in the image was replaced, not written through.
    assert.equal((await lstat(join(newRoot, 'etc', 'resolv.conf'))).isFile(), true);
    assert.equal(await readFile(join(newRoot, 'etc', 'resolv.conf'), 'utf8'), 'nameserver 10.0.0.1\n');
    assert.equal(await readFile(join(newRoot, 'run', 'stub-resolv.conf'), 'utf8'), 'nameserver 127.0.0.53\n');
    assert.equal(await readlink(join(newRoot, 'etc', 'localtime')), '/usr/share/zoneinfo/Europe/Paris');
    // A folder the image lacks is made with the overlay's mode and owner.
    const made = await stat(join(newRoot, 'srv', 'scratch'));
    assert.deepEqual([made.mode & 0o7777, made.uid, made.gid], [0o750, 1234, 1235]);
    const owned = await stat(join(newRoot, 'srv', 'scratch', 'owned'));
    assert.deepEqual([owned.uid, owned.gid], [1234, 1235]);
  } finally {
    await rm(base, { recursive: true, force: true });
  }
});

test('the overlay hook reports a path it cannot apply and still applies the others', async () => {
  const base = await scratch();
  try {
    const newRoot = join(base, 'sysroot');
    const overlay = join(base, 'diskless-overlay');
    await mkdir(join(newRoot, 'var', 'log', 'kept'), { recursive: true });
    await mkdir(join(overlay, 'var'), { recursive: true });
    await mkdir(join(overlay, 'etc'), { recursive: true });
    await writeFile(join(overlay, 'var', 'log'), 'a file where the image has a folder');
    await writeFile(join(overlay, 'etc', 'motd'), 'hello\n');
    const result = await runHook(newRoot, overlay);
    const lines = result.stderr.trim().split('\n');
    assert.ok(lines.some((line) => /^diskless-overlay: could not apply \/var\/log$/.test(line)), result.stderr);
    assert.equal(lines.at(-1), 'diskless-overlay: 1 files applied, 1 FAILED');
    assert.equal(await readFile(join(newRoot, 'etc', 'motd'), 'utf8'), 'hello\n');
    assert.deepEqual(await readdir(join(newRoot, 'var', 'log')), ['kept'], 'the image folder is left as it was');
  } finally {
    await rm(base, { recursive: true, force: true });
  }
});

test('without an overlay the hook changes nothing and says so on one line', async () => {
  const base = await scratch();
  try {
    const newRoot = join(base, 'sysroot');
    await mkdir(join(newRoot, 'etc'), { recursive: true });
    const result = await runHook(newRoot, join(base, 'absent'));
    assert.equal(result.exitCode, 0);
    assert.match(result.stderr, /^diskless-overlay: no overlay in this initramfs .*nothing applied\n$/);
    assert.deepEqual(await readdir(newRoot), ['etc']);
    assert.deepEqual(await readdir(join(newRoot, 'etc')), []);
  } finally {
    await rm(base, { recursive: true, force: true });
  }
});

test('the staged dracut base links the system\'s dracut files and modules and adds ours, leaving the system folder unchanged', async () => {
  const base = await scratch();
  try {
    const tree = join(base, 'tree');
    const system = join(tree, 'usr', 'lib', 'dracut');
    await mkdir(join(system, 'modules.d', '90kernel-modules'), { recursive: true });
    await writeFile(join(system, 'dracut-init.sh'), '# dracut\n');
    const staged = join(tree, 'tmp', 'stage');
    assert.equal(await stageDracutBase(tree, staged, '/tmp/stage'), '/tmp/stage');
    assert.equal(await readlink(join(staged, 'dracut-init.sh')), '/usr/lib/dracut/dracut-init.sh');
    assert.equal(await readlink(join(staged, 'modules.d', '90kernel-modules')), '/usr/lib/dracut/modules.d/90kernel-modules');
    const ours = join(staged, 'modules.d', OVERLAY_DRACUT_MODULE_DIR);
    assert.deepEqual((await readdir(ours)).sort(), ['diskless-overlay.sh', 'module-setup.sh']);
    assert.deepEqual(await readdir(join(system, 'modules.d')), ['90kernel-modules']);
    assert.equal(await stageDracutBase(join(base, 'no-dracut'), join(base, 'x'), '/x'), undefined);
  } finally {
    await rm(base, { recursive: true, force: true });
  }
});

test('a node build\'s staged base puts our kernel-network-modules stand-in in place of the system\'s, whatever its number', async () => {
  const base = await scratch();
  try {
    const tree = join(base, 'tree');
    const system = join(tree, 'usr', 'lib', 'dracut');
    await mkdir(join(system, 'modules.d', '91kernel-network-modules'), { recursive: true });
    await writeFile(join(system, 'modules.d', '91kernel-network-modules', 'module-setup.sh'), 'installkernel() { instmods =drivers/net; }\n');
    await mkdir(join(system, 'modules.d', '40network'));
    const staged = join(tree, 'tmp', 'stage');
    await stageDracutBase(tree, staged, '/tmp/stage', [OVERLAY_DRACUT_MODULE_DIR, '90kernel-network-modules']);
    assert.deepEqual((await readdir(join(staged, 'modules.d'))).sort(), ['40network', '90kernel-network-modules', OVERLAY_DRACUT_MODULE_DIR]);
    const standIn = await readFile(join(staged, 'modules.d', '90kernel-network-modules', 'module-setup.sh'), 'utf8');
    assert.match(standIn, /^installkernel\(\) \{\n\s+return 0\n\}/m, 'our stand-in packs no driver of its own');
    assert.equal(await readlink(join(staged, 'modules.d', '40network')), '/usr/lib/dracut/modules.d/40network');
    assert.deepEqual((await readdir(join(system, 'modules.d'))).sort(), ['40network', '91kernel-network-modules'], 'the system folder is unchanged');
  } finally {
    await rm(base, { recursive: true, force: true });
  }
});
