/** kernel initramfs --chroot: which trees are refused before anything is mounted. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeTempRoot } from '../../../helpers/temp-root.js';
import { runCli } from '../../../helpers/run-cli.js';
import { makeBusyboxTree } from '../../../helpers/livenet-fixtures.js';

// The refusal comes before any bind (the command checks the tree first, see
// kernel/initramfs.ts), so asking for `/` never touches the host's mounts.
test('kernel initramfs --chroot refuses the host root, a link to it and system folders with one line, exit 2, mounts untouched', async () => {
  const t = await makeTempRoot();
  const outside = await mkdtemp(join(tmpdir(), 'disklessset-chroot-guard-'));
  try {
    await writeFile(join(outside, 'vmlinuz-6.1.0-5-amd64'), 'kernel bytes');
    assert.equal((await runCli(['kernel', 'add', join(outside, 'vmlinuz-6.1.0-5-amd64')], { root: t.root })).exitCode, 0);
    await symlink('/', join(outside, 'host-link'));
    const before = await readFile('/proc/self/mountinfo', 'utf8');
    for (const [tree, why] of [['/', /is the whole host file system/], [join(outside, 'host-link'), /is the whole host file system/],
      ['/proc', /a folder of the running system/], ['/dev', /a folder of the running system/], [t.root, /overlaps disklessset's own folder/]] as const) {
      const run = await runCli(['kernel', 'initramfs', 'vmlinuz-6.1.0-5-amd64', '--chroot', tree], { root: t.root });
      assert.equal(run.exitCode, 2, `${tree}: ${run.stderr}`);
      assert.match(run.stderr, why);
      assert.match(run.stderr, new RegExp(`^disklessset: chroot tree ${tree.replace(/[/.]/g, '\\$&')} `));
      assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
    }
    assert.equal(await readFile('/proc/self/mountinfo', 'utf8'), before);
    const list = await runCli(['--json', 'kernel', 'list'], { root: t.root });
    assert.equal((JSON.parse(list.stdout) as { initramfsPresent: boolean }[])[0]?.initramfsPresent, false);
  } finally {
    await rm(outside, { recursive: true, force: true });
    await t.cleanup();
  }
});

test('kernel initramfs --chroot names a missing tree as such', async () => {
  const t = await makeTempRoot();
  try {
    const run = await runCli(['kernel', 'initramfs', 'vmlinuz-6.1.0-5-amd64', '--chroot', join(t.root, 'no-tree')], { root: t.root });
    assert.equal(run.exitCode, 2);
    assert.match(run.stderr, /names no such folder/);
  } finally {
    await t.cleanup();
  }
});

test('kernel initramfs asks dracut for the node profile (zstd) by default and the original\'s call with --full, and says when dracut packed with another compressor', async () => {
  const t = await makeTempRoot();
  try {
    // Failure injection: a dracut that records its arguments and writes a gzip file whatever it is asked, as the real one does when the tree lacks the compressor.
    const tree = await makeBusyboxTree(t.root);
    for (const dir of ['usr/bin', 'lib/modules/6.1.0-5-amd64']) await mkdir(join(tree, dir), { recursive: true });
    await symlink('busybox', join(tree, 'bin', 'printf'));
    await writeFile(join(tree, 'usr/bin/dracut'), [
      '#!/bin/sh',
      'echo "$*" > /tmp/dracut-args',
      'for a; do case "$a" in */initramfs.img) printf \'\\037\\213\\010\\000\' > "$a";; esac; done',
      '',
    ].join('\n'));
    await chmod(join(tree, 'usr/bin/dracut'), 0o755);
    await writeFile(join(t.root, 'vmlinuz-6.1.0-5-amd64'), 'kernel bytes');
    assert.equal((await runCli(['kernel', 'add', join(t.root, 'vmlinuz-6.1.0-5-amd64')], { root: t.root })).exitCode, 0);

    const node = await runCli(['--json', 'kernel', 'initramfs', 'vmlinuz-6.1.0-5-amd64', '--chroot', tree], { root: t.root });
    assert.equal(node.exitCode, 0, node.stderr);
    assert.match(await readFile(join(tree, 'tmp', 'dracut-args'), 'utf8'), /^--compress zstd -9 -q -T0 --drivers virtio_net /);
    const answer = JSON.parse(node.stdout) as Record<string, unknown>;
    assert.deepEqual([answer.profile, answer.compression, answer.sizeBytes], ['node', 'gzip', 4]);
    assert.match(node.stderr, /^warning: dracut packed the initramfs with gzip, not zstd: install zstd in the tree/m);

    const full = await runCli(['kernel', 'initramfs', 'vmlinuz-6.1.0-5-amd64', '--chroot', tree, '--full'], { root: t.root });
    assert.equal(full.exitCode, 0, full.stderr);
    assert.match(await readFile(join(tree, 'tmp', 'dracut-args'), 'utf8'), /^--xz -m network base nfs .*--add-drivers xfs /);
    assert.doesNotMatch(await readFile(join(tree, 'tmp', 'dracut-args'), 'utf8'), /--drivers/);
    assert.match(full.stdout, /generated for vmlinuz-6\.1\.0-5-amd64 \(every driver, gzip, 0\.0 MiB\)/);
    assert.match(full.stderr, /dracut packed the initramfs with gzip, not xz: install xz-utils/);
  } finally {
    await t.cleanup();
  }
});
