/** kernel initramfs --chroot: which trees are refused before anything is mounted. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeTempRoot } from '../../../helpers/temp-root.js';
import { runCli } from '../../../helpers/run-cli.js';

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
