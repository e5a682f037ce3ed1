import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { lstat, readdir, readFile, readlink, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { overlayCliOk, withOverlayRoot } from '../../helpers/overlay-renderer.js';
import { nodeScriptPath, overlayArchivePath, overlayGenerationDir, overlayGenerationsDir, overlaysDir } from '../../../src/boot/boot-paths.js';
import { archivedNodes, servedArchives } from '../../../src/boot/overlays/archive-files.js';
import { overlayAccessPolicy } from '../../../src/boot/overlays/access.js';
import { writeIntent } from '../../../src/boot/overlays/overlay-state.js';
import type { Paths } from '../../../src/core/paths.js';

const withRoot = withOverlayRoot;
const cli = overlayCliOk;

async function servedId(paths: Paths): Promise<number> {
  const served = await servedArchives(paths);
  assert.equal(served.kind, 'generation');
  return (served as { id: number }).id;
}

const inode = async (paths: Paths, node: string) => (await stat(overlayArchivePath(paths, node))).ino;

test('archives are served through a link to one generation, and a change replaces only the archives it changes, each by rename', () => withRoot(async (root, paths) => {
  await cli(root, 'node', 'add', 'n[01-03]', '--image', 'alpha');
  const first = await servedId(paths);
  assert.equal((await lstat(overlaysDir(paths))).isSymbolicLink(), true);
  assert.equal(await readlink(overlaysDir(paths)), `overlays.gen/${first}`, 'a relative link, so the tree can move');
  assert.equal((await stat(overlayGenerationsDir(paths))).mode & 0o777, 0o700, 'host keys: reachable by root alone');
  assert.equal((await stat(overlayGenerationDir(paths, first))).mode & 0o777, 0o700);
  assert.equal((await stat(overlayArchivePath(paths, 'n01'))).mode & 0o777, 0o644, 'serve sends world-readable files only');
  const before = { n01: await stat(overlayArchivePath(paths, 'n01')), n02: await inode(paths, 'n02'), n03: await inode(paths, 'n03') };

  await cli(root, 'node', 'set', 'n02', '--var', 'rack=b7');
  assert.equal(await servedId(paths), first, 'the served generation changes in place');
  const n01 = await stat(overlayArchivePath(paths, 'n01'));
  assert.equal(n01.ino, before.n01.ino, 'an unchanged archive is not touched');
  assert.equal(n01.mtimeMs, before.n01.mtimeMs);
  assert.equal(await inode(paths, 'n03'), before.n03);
  assert.notEqual(await inode(paths, 'n02'), before.n02, 'the changed archive is a new file, renamed over the old one');
  assert.equal((await stat(overlayArchivePath(paths, 'n02'))).mode & 0o777, 0o644);
  assert.ok(gunzipSync(await readFile(overlayArchivePath(paths, 'n02'))).toString('latin1').includes('{"rack":"b7"}'));
  assert.deepEqual(await readdir(overlayGenerationsDir(paths)), [String(first)]);
  assert.deepEqual((await readdir(overlaysDir(paths))).sort(), ['n01.img', 'n02.img', 'n03.img'], 'no temporary file left');

  await cli(root, 'node', 'remove', 'n03');
  assert.deepEqual((await readdir(overlaysDir(paths))).sort(), ['n01.img', 'n02.img'], 'a removed node\'s archive is deleted');
  assert.doesNotMatch(await readFile(nodeScriptPath(paths, 'n02'), 'utf8'), /n03/u);

  await cli(root, 'overlay', 'build');
  assert.equal(await servedId(paths), first, 'nothing changed: nothing written');
  assert.equal(await inode(paths, 'n01'), before.n01.ino);
}));

test('the overlays folder of an earlier version becomes a generation at the next change: unchanged archives linked from it, the folder removed', () => withRoot(async (root, paths) => {
  await cli(root, 'node', 'add', 'n[01-02]', '--image', 'alpha');
  // What an earlier version left: a real folder of archives at the served path, no generations.
  const generation = overlayGenerationDir(paths, await servedId(paths));
  await rm(overlaysDir(paths));
  await rename(generation, overlaysDir(paths));
  await rm(overlayGenerationsDir(paths), { recursive: true });
  assert.equal((await servedArchives(paths)).kind, 'folder');
  const n01 = await inode(paths, 'n01');

  await cli(root, 'node', 'set', 'n02', '--var', 'rack=c3');
  await servedId(paths);
  assert.equal(await inode(paths, 'n01'), n01, 'the archive of the old folder is linked, not written again');
  assert.ok(gunzipSync(await readFile(overlayArchivePath(paths, 'n02'))).toString('latin1').includes('{"rack":"c3"}'));
  const aside = (await readdir(dirname(overlaysDir(paths)))).filter((name) => name.startsWith('.overlays'));
  assert.deepEqual(aside, [], 'the old folder is gone once the link is in place');
  assert.equal(existsSync(overlayArchivePath(paths, 'n09')), false);
}));

test('an archive a killed build left half-written beside the served one is never served, and the next command sweeps it', () => withRoot(async (root, paths) => {
  await cli(root, 'node', 'add', 'n[01-02]', '--image', 'alpha');
  const folder = overlayGenerationDir(paths, await servedId(paths));
  const served = await readFile(overlayArchivePath(paths, 'n01'));
  // What a build killed between writing and renaming leaves: its intent, and a temporary name of a writer that is gone.
  await writeIntent(paths, { n01: { secret: true } });
  const leftover = join(folder, '.n01.img.tmp-999999999-0badcafe');
  await writeFile(leftover, 'half an archive');
  const policy = overlayAccessPolicy(paths);
  assert.equal(await policy(await realpath(leftover), '10.0.0.1'), 'deny');
  assert.equal(await policy(await realpath(overlayArchivePath(paths, 'n01')), '10.0.0.1'), 'allow', 'the archive itself is served (its node has no registered address)');
  assert.deepEqual((await archivedNodes(paths)).sort(), ['n01', 'n02'], 'not counted as an archive');

  await cli(root, 'node', 'list');
  assert.equal(existsSync(leftover), false, 'swept by the next command');
  assert.deepEqual(await readFile(overlayArchivePath(paths, 'n01')), served, 'the served archive is the one before');
}));
