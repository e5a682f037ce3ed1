/**
 * The build scratch of a killed build (`<workDir>/<image>/generated_os`) is
 * removed by the next command, unless a mount lies under it; links in it are
 * not followed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
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
