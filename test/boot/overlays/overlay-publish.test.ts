import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { makeTempRoot, type TempRoot } from '../../helpers/temp-root.js';
import { fakeHostKey, overlayCli, overlayServices } from '../../helpers/overlay-renderer.js';
import { nodeScriptPath, overlayArchivePath } from '../../../src/boot/boot-paths.js';
import { readManifest } from '../../../src/boot/overlays/overlay-state.js';
import type { Paths } from '../../../src/core/paths.js';

async function withRoot(action: (root: TempRoot, paths: Paths) => Promise<void>): Promise<void> {
  const root = await makeTempRoot();
  try {
    const services = await overlayServices(root.root);
    await services.images.create('DemoImage', 'alpha', { message: 'hello' });
    await action(root, services.paths);
  } finally {
    await root.cleanup();
  }
}

async function cli(root: TempRoot, ...argv: string[]): Promise<string> {
  const result = await overlayCli(root.root, argv);
  assert.equal(result.exitCode, 0, `${argv.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

/** Inode and bytes of each node's archive: a rename gives a new inode, an untouched archive keeps its own. */
async function archives(paths: Paths, nodes: string[]): Promise<Record<string, string>> {
  const found: Record<string, string> = {};
  for (const node of nodes) {
    const file = overlayArchivePath(paths, node);
    found[node] = existsSync(file) ? `${(await stat(file)).ino}:${(await readFile(file)).toString('base64')}` : 'missing';
  }
  return found;
}

test('every inventory change publishes the archives; a one-node change writes only that node\'s archive', () => withRoot(async (root, paths) => {
  await cli(root, 'node', 'add', 'n01', '--image', 'alpha', '--ip', '10.0.0.1');
  await cli(root, 'node', 'add', 'n[02-03]', '--image', 'alpha', '--var', 'rack=a1');
  const first = await archives(paths, ['n01', 'n02', 'n03']);
  assert.ok(Object.values(first).every((value) => value !== 'missing'), 'archives published by the inventory change itself');
  const unpacked = gunzipSync(await readFile(overlayArchivePath(paths, 'n02'))).toString('latin1');
  assert.ok(unpacked.includes('diskless-overlay/etc/hostname') && unpacked.includes('n02\n') && unpacked.includes(fakeHostKey('n02')));
  assert.equal((await stat(dirname(overlayArchivePath(paths, 'n02')))).mode & 0o777, 0o700, 'archives holding host keys are reachable by root alone');
  const manifest = await readManifest(paths);
  assert.deepEqual(Object.keys(manifest.nodes).sort(), ['n01', 'n02', 'n03']);
  assert.equal(manifest.nodes.n01?.ip, '10.0.0.1');

  await cli(root, 'node', 'set', 'n02', '--var', 'rack=b7');
  const second = await archives(paths, ['n01', 'n02', 'n03']);
  assert.equal(second.n01, first.n01);
  assert.equal(second.n03, first.n03);
  assert.notEqual(second.n02, first.n02);
  assert.ok(gunzipSync(await readFile(overlayArchivePath(paths, 'n02'))).toString('latin1').includes('{"rack":"b7"}'));

  const build = JSON.parse(await cli(root, 'overlay', 'build', '--json')) as Record<string, unknown>;
  assert.deepEqual(build, { nodes: 'n[01-03]', nodeCount: 3, written: 0, unchanged: 3, removed: 0, openSecrets: 'n[02-03]' });
  assert.deepEqual(await archives(paths, ['n01', 'n02', 'n03']), second, 'a build with nothing changed writes nothing');
}));

test('a build names the nodes whose secrets are served to any address', () => withRoot(async (root) => {
  await cli(root, 'node', 'add', 'n[01-02]', '--image', 'alpha');
  const result = await overlayCli(root.root, ['overlay', 'build', 'n01']);
  assert.equal(result.exitCode, 0, result.stderr);
  assert.match(result.stderr, /the overlays of n01 hold secrets but these nodes have no registered address/);
  assert.match(result.stdout, /overlays of 1 node\(s\): 0 written, 1 unchanged, 0 removed/);
}));

test('removing a node, or its image, removes its archive and the overlay line of the scripts', () => withRoot(async (root, paths) => {
  await cli(root, 'node', 'add', 'n[01-03]', '--image', 'alpha');
  await cli(root, 'node', 'remove', 'n03');
  assert.equal(existsSync(overlayArchivePath(paths, 'n03')), false);
  await cli(root, 'boot', 'unset', 'n02');
  assert.equal(existsSync(overlayArchivePath(paths, 'n02')), false);
  assert.deepEqual(Object.keys((await readManifest(paths)).nodes), ['n01']);
  assert.ok(existsSync(overlayArchivePath(paths, 'n01')));
}));

test('a node script loads the overlay archive only when one is published', () => withRoot(async (root, paths) => {
  // A template error on a new node: its archive cannot be made, so its script loads none (and clears what a chain set).
  const broken = await overlayCli(root.root, ['node', 'add', 'n01', '--image', 'alpha', '--mac', '52:54:00:00:00:01', '--var', 'template=broken']);
  assert.equal(broken.exitCode, 0, broken.stderr);
  const without = await readFile(nodeScriptPath(paths, 'n01'), 'utf8');
  assert.doesNotMatch(without, /initrd|set diskless-overlay /);
  assert.match(without, /clear diskless-overlay\n/);
  // Fixed: the archive is published, then the scripts follow it.
  await cli(root, 'node', 'set', 'n01', '--unset-var', 'template');
  const withOverlay = await readFile(nodeScriptPath(paths, 'n01'), 'utf8');
  assert.ok(withOverlay.includes('set diskless-overlay http://${next-server}/preboot_execution_environment/diskless/overlays/n01.img?node=n01&mac=${mac:hexhyp}\n'), withOverlay);
  assert.ok(withOverlay.includes('set diskless-overlay-arg initrd=overlay\n'));
  assert.equal(await readFile(nodeScriptPath(paths, '52-54-00-00-00-01'), 'utf8'), withOverlay, 'the MAC script says the same');
}));

test('a template error refuses the build: exit 2, one line naming file and line, nothing published', () => withRoot(async (root, paths) => {
  await cli(root, 'node', 'add', 'n[01-02]', '--image', 'alpha');
  const before = await archives(paths, ['n01', 'n02']);
  const manifest = await readFile(`${paths.stateDir}/overlays.json`, 'utf8');
  // The inventory change itself goes through, and says the overlays stay as they were.
  const set = await overlayCli(root.root, ['node', 'set', 'n02', '--var', 'template=broken']);
  assert.equal(set.exitCode, 0, set.stderr);
  assert.match(set.stderr, /node overlays stay as last published: overlay test, file etc\/motd\.j2, line 3/);
  const build = await overlayCli(root.root, ['overlay', 'build']);
  assert.equal(build.exitCode, 2);
  assert.match(build.stderr, /^disklessset: overlay test, file etc\/motd\.j2, line 3: "broken" is undefined/m);
  assert.deepEqual(await archives(paths, ['n01', 'n02']), before);
  assert.equal(await readFile(`${paths.stateDir}/overlays.json`, 'utf8'), manifest);
  const unknown = await overlayCli(root.root, ['overlay', 'build', 'n09']);
  assert.equal(unknown.exitCode, 1);
  assert.match(unknown.stderr, /n09 not in the inventory or booting no image/);
}));

test('an edited overlay source is followed by the next command', () => withRoot(async (root, paths) => {
  await cli(root, 'node', 'add', 'n01', '--image', 'alpha');
  const recorded = (await readManifest(paths)).sources;
  const { mkdir, writeFile } = await import('node:fs/promises');
  await mkdir(`${paths.configDir}/overlays/site/etc`, { recursive: true });
  await writeFile(`${paths.configDir}/overlays/site/etc/motd.j2`, 'hello {{ node.name }}\n');
  await cli(root, 'boot', 'list');
  assert.notEqual((await readManifest(paths)).sources, recorded, 'the repair rebuilt with the new sources');
}));
