/**
 * The build scratch of a killed build (`<workDir>/<image>/generated_os`) is
 * removed by the next command, unless a mount lies under it; links in it are
 * not followed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeTempRoot } from '../../helpers/temp-root.js';
import { run } from '../../../src/system/runner.js';
import { mountsUnder } from '../../../src/system/mount.js';

async function exists(path: string): Promise<boolean> {
  return readdir(path).then(() => true, () => false);
}

test('a killed build\'s generated_os is removed by the next command; one with a bind mount under it is kept', async () => {
  const t = await makeTempRoot();
  const outside = await mkdtemp(join(tmpdir(), 'disklessset-outside-'));
  const s = await t.services();
  const killed = join(s.paths.imageWorkDir('killed'), 'generated_os');
  const edited = join(s.paths.imageWorkDir('edited'), 'generated_os');
  try {
    await writeFile(join(outside, 'keep-me'), 'not the tool\'s\n');
    // What a kill mid-rebuild leaves: a tree, with a link leaving it.
    await mkdir(join(killed, 'etc'), { recursive: true });
    await writeFile(join(killed, 'etc', 'hostname'), 'node\n');
    await symlink(outside, join(killed, 'escape'));
    await mkdir(join(edited, 'proc'), { recursive: true });
    await run(['mount', '--bind', outside, join(edited, 'proc')]);
    const list = await t.cli(['image', 'list']);
    assert.equal(list.exitCode, 0, list.stderr);
    assert.match(list.stderr, /removed the build scratch of killed builds of killed\b/);
    assert.equal(await exists(killed), false, 'the leftover tree is gone');
    assert.deepEqual(await readdir(outside), ['keep-me'], 'the link inside was removed, not followed');
    assert.ok(await exists(join(edited, 'proc')), 'a folder with a mount under it is kept');
    assert.deepEqual(await mountsUnder(edited), [join(edited, 'proc')], 'and its mount left in place');
    const again = await t.cli(['image', 'list']);
    assert.doesNotMatch(again.stderr, /build scratch/, 'nothing more to remove while the mount is there');
  } finally {
    if ((await mountsUnder(edited)).length > 0) await run(['umount', join(edited, 'proc')]);
    await rm(outside, { recursive: true, force: true });
    await t.cleanup();
  }
});

test('a killed image diff\'s scratch is unmounted and removed by the next command; a live diff\'s is kept', async () => {
  const t = await makeTempRoot();
  const outside = await mkdtemp(join(tmpdir(), 'disklessset-outside-'));
  const s = await t.services();
  // A pid that existed and is gone (the child has been reaped), and one that is alive (this test's parent).
  const deadPid = spawnSync('true').pid;
  const killed = join(s.paths.workDir, `.diff-${deadPid}-AbC123`);
  const live = join(s.paths.workDir, `.diff-${process.ppid}-XyZ789`);
  try {
    await writeFile(join(outside, 'keep-me'), 'not the tool\'s\n');
    // What a kill of `image diff` leaves: the root image's file system mounted read-only in its scratch.
    await mkdir(join(killed, 'a', 'mnt'), { recursive: true });
    await run(['mount', '--bind', '-o', 'ro', outside, join(killed, 'a', 'mnt')]);
    await mkdir(join(live, 'a'), { recursive: true });
    const list = await t.cli(['image', 'list']);
    assert.equal(list.exitCode, 0, list.stderr);
    assert.match(list.stderr, /removed the scratch of killed image diffs/);
    assert.equal(await exists(killed), false, 'the scratch is gone');
    assert.deepEqual(await mountsUnder(killed), [], 'its mount undone');
    assert.deepEqual(await readdir(outside), ['keep-me'], 'what was mounted there is untouched');
    assert.ok(await exists(live), 'a diff still running keeps its scratch');
  } finally {
    if ((await mountsUnder(killed)).length > 0) await run(['umount', join(killed, 'a', 'mnt')]);
    await rm(outside, { recursive: true, force: true });
    await t.cleanup();
  }
});

test('the inode-times command file of a build killed while fixing times is removed by the next command', async () => {
  const t = await makeTempRoot();
  const s = await t.services();
  const work = s.paths.imageWorkDir('killed');
  try {
    await mkdir(work, { recursive: true });
    await writeFile(join(work, 'debugfs-times.txt'), 'sif "/" ctime @1\n', { mode: 0o600 });
    const list = await t.cli(['image', 'list']);
    assert.equal(list.exitCode, 0, list.stderr);
    assert.match(list.stderr, /removed the build scratch of killed builds of killed\b/);
    assert.deepEqual(await readdir(work), [], 'nothing of the build is left');
  } finally {
    await t.cleanup();
  }
});
