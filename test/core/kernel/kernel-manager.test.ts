import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdir, readFile, readdir, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempRoot } from '../../helpers/temp-root.js';
import { runCli } from '../../helpers/run-cli.js';

test('kernel add installs vmlinuz-VERSION (and an initramfs) and kernel list reports the state', async () => {
  const t = await makeTempRoot();
  try {
    const source = join(t.root, 'boot');
    await mkdir(source);
    await writeFile(join(source, 'vmlinuz-6.1.0-99-amd64'), 'kernel bytes');
    await writeFile(join(source, 'initrd.img'), 'initramfs bytes');
    const added = await runCli(['kernel', 'add', join(source, 'vmlinuz-6.1.0-99-amd64')], { root: t.root });
    assert.equal(added.exitCode, 0, added.stderr);
    assert.match(added.stdout, /no initramfs yet/);
    let kernels = JSON.parse((await runCli(['kernel', 'list', '--json'], { root: t.root })).stdout) as Record<string, unknown>[];
    assert.deepEqual(kernels, [{ kernel: 'vmlinuz-6.1.0-99-amd64', version: '6.1.0-99-amd64', initramfs: 'initramfs-kernel-6.1.0-99-amd64', initramfsPresent: false }]);

    const withInitramfs = await runCli(['kernel', 'add', join(source, 'vmlinuz-6.1.0-99-amd64'), '--initramfs', join(source, 'initrd.img')], { root: t.root });
    assert.equal(withInitramfs.exitCode, 0, withInitramfs.stderr);
    kernels = JSON.parse((await runCli(['kernel', 'list', '--json'], { root: t.root })).stdout) as Record<string, unknown>[];
    assert.equal(kernels[0]?.initramfsPresent, true);
    const { paths } = await t.services();
    assert.equal(await readFile(join(paths.kernelsDir, 'initramfs-kernel-6.1.0-99-amd64'), 'utf8'), 'initramfs bytes');
    assert.equal((await stat(join(paths.kernelsDir, 'vmlinuz-6.1.0-99-amd64'))).mode & 0o777, 0o644);
  } finally {
    await t.cleanup();
  }
});

test('kernel add refuses a missing file or an unnamed version with exit code 2', async () => {
  const t = await makeTempRoot();
  try {
    assert.equal((await runCli(['kernel', 'add', join(t.root, 'nope', 'vmlinuz-1')], { root: t.root })).exitCode, 2);
    await writeFile(join(t.root, 'bzImage'), 'k');
    const unnamed = await runCli(['kernel', 'add', join(t.root, 'bzImage')], { root: t.root });
    assert.equal(unnamed.exitCode, 2);
    assert.match(unnamed.stderr, /--version/);
    // --version after the command is the command's option, not the tool's version.
    const named = await runCli(['kernel', 'add', join(t.root, 'bzImage'), '--version', '6.1-x'], { root: t.root });
    assert.equal(named.exitCode, 0, named.stderr);
    assert.equal(await readFile(join((await t.services()).paths.kernelsDir, 'vmlinuz-6.1-x'), 'utf8'), 'k');
  } finally {
    await t.cleanup();
  }
});

test('a failing dracut leaves no partial initramfs and reports the command', async () => {
  const t = await makeTempRoot();
  try {
    // Failure injection: a fake dracut on PATH that writes half a file then fails.
    const fakeBin = join(t.root, 'fake-bin');
    await mkdir(fakeBin);
    await writeFile(join(fakeBin, 'dracut'), '#!/bin/sh\nfor last; do :; done\nfor a; do case "$a" in */.initramfs*) echo partial > "$a";; esac; done\necho "dracut: simulated failure" >&2\nexit 3\n');
    await chmod(join(fakeBin, 'dracut'), 0o755);
    await writeFile(join(t.root, 'vmlinuz-6.1.0-1-amd64'), 'k');
    await runCli(['kernel', 'add', join(t.root, 'vmlinuz-6.1.0-1-amd64')], { root: t.root });
    const failed = await t.cliProcess(['kernel', 'initramfs', 'vmlinuz-6.1.0-1-amd64'], { env: { PATH: `${fakeBin}:${process.env.PATH}` } });
    assert.equal(failed.exitCode, 1);
    assert.match(failed.stderr, /command failed with exit code 3: dracut .*simulated failure/);
    const { paths } = await t.services();
    assert.deepEqual(await readdir(paths.kernelsDir), ['vmlinuz-6.1.0-1-amd64']);
  } finally {
    await t.cleanup();
  }
});

test('set-kernel rewrites boot file and data; an unavailable kernel is refused', async () => {
  const t = await makeTempRoot('legacy-v1-root');
  try {
    const refused = await runCli(['image', 'set-kernel', 'compute_staging', 'vmlinuz-4.18.0-193.el8.x86_64'], { root: t.root });
    assert.equal(refused.exitCode, 2, refused.stderr);
    assert.match(refused.stderr, /no initramfs/);
    const notBootable = await runCli(['image', 'set-kernel', 'demo1', 'vmlinuz-4.18.0-147.el8.x86_64'], { root: t.root });
    assert.equal(notBootable.exitCode, 1);
    assert.match(notBootable.stderr, /does not boot a kernel/);
  } finally {
    await t.cleanup();
  }
});

test('kernel add refuses files their owner keeps private: the kernels folder is served to every node', async () => {
  const t = await makeTempRoot();
  try {
    const source = join(t.root, 'host');
    await mkdir(source);
    await writeFile(join(source, 'vmlinuz-6.1.0-1-amd64'), 'kernel bytes');
    await writeFile(join(source, 'shadow'), 'root:$6$secret:::', { mode: 0o640 });
    await chmod(join(source, 'shadow'), 0o640);
    await symlink(join(source, 'shadow'), join(source, 'vmlinuz-6.1.0-2-amd64'));
    for (const args of [['kernel', 'add', join(source, 'vmlinuz-6.1.0-1-amd64'), '--initramfs', join(source, 'shadow')],
      ['kernel', 'add', join(source, 'vmlinuz-6.1.0-2-amd64')]]) {
      const refused = await runCli(args, { root: t.root });
      assert.equal(refused.exitCode, 2, refused.stderr);
      assert.match(refused.stderr, /^disklessset: .*not readable by everyone \(mode 0640\).*\n$/);
      assert.equal(refused.stderr.trim().split('\n').length, 1);
    }
    const { paths } = await t.services();
    assert.deepEqual(await readdir(paths.kernelsDir).catch(() => []), []);
  } finally {
    await t.cleanup();
  }
});
