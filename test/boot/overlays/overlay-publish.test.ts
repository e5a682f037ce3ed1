import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { fakeHostKey, overlayCli, overlayCliOk, withOverlayRoot } from '../../helpers/overlay-renderer.js';
import { nodeScriptPath, overlayArchivePath } from '../../../src/boot/boot-paths.js';
import { readManifest } from '../../../src/boot/overlays/overlay-state.js';
import type { Paths } from '../../../src/core/paths.js';

const withRoot = withOverlayRoot;
const cli = overlayCliOk;

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

test('an archive deleted by hand is back after `overlay build`, the same bytes, also when a change of another node came first', () => withRoot(async (root, paths) => {
  await cli(root, 'node', 'add', 'n[01-03]', '--image', 'alpha', '--var', 'rack=a1');
  const before = await readFile(overlayArchivePath(paths, 'n03'));
  await rm(overlayArchivePath(paths, 'n03'));
  await cli(root, 'node', 'set', 'n01', '--var', 'rack=c2');
  assert.ok(gunzipSync(await readFile(overlayArchivePath(paths, 'n01'))).toString('latin1').includes('{"rack":"c2"}'), 'the changed node is published');
  await cli(root, 'overlay', 'build');
  assert.deepEqual(await readFile(overlayArchivePath(paths, 'n03')), before, 'the same archive as before, back in place');
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

test('a node that cannot be rendered after a change keeps its archive (a new one gets none), the others are updated, and one warning names it', () => withRoot(async (root, paths) => {
  await cli(root, 'node', 'add', 'n[01-02]', '--image', 'alpha');
  const before = await archives(paths, ['n01', 'n02']);
  // The test renderer fails where the real one's inventory rule does not look (as a template looping over the inventory would).
  const set = await overlayCli(root.root, ['node', 'set', 'n[01-02]', '--var', 'rack=b7']);
  assert.equal(set.exitCode, 0, set.stderr);
  assert.equal(set.stderr.split('served to any address').length - 1, 1, 'told once, with the tool\'s prefix');
  assert.match(set.stderr, /^disklessset: warning: the overlays of n\[01-02\] hold secrets/m);
  const broken = await overlayCli(root.root, ['node', 'set', 'n02', '--var', 'template=broken', '--var', 'rack=c1']);
  assert.equal(broken.exitCode, 0, broken.stderr);
  const updated = await archives(paths, ['n01', 'n02']);
  assert.notEqual(updated.n01, before.n01);
  const added = await overlayCli(root.root, ['node', 'add', 'n03', '--image', 'alpha', '--var', 'template=broken']);
  assert.equal(added.exitCode, 0, added.stderr);
  const warnings = added.stderr.split('\n').filter((line) => line.includes('not updated'));
  assert.deepEqual(warnings, ['disklessset: warning: the overlays of n[02-03] were not updated (they keep their last published archive, or none): overlay test, file etc/motd.j2, line 3: "broken" is undefined; fix it, then run `disklessset overlay build`']);
  const after = await archives(paths, ['n01', 'n02', 'n03']);
  assert.equal(after.n02, updated.n02, 'n02 keeps the archive it had');
  assert.equal(after.n03, 'missing', 'the new node gets none');
  assert.ok(!(await readFile(nodeScriptPath(paths, 'n03'), 'utf8')).includes('overlays/n03.img'), 'its script loads no archive');
  assert.deepEqual(Object.keys((await readManifest(paths)).nodes).sort(), ['n01', 'n02']);

  // The next inventory change still updates the healthy nodes.
  assert.equal((await overlayCli(root.root, ['node', 'set', 'n01', '--var', 'rack=d4'])).exitCode, 0);
  assert.ok(gunzipSync(await readFile(overlayArchivePath(paths, 'n01'))).toString('latin1').includes('"rack":"d4"'));

  // `overlay build` itself refuses: exit 2, one line naming the node, nothing published.
  const manifest = await readFile(`${paths.stateDir}/overlays.json`, 'utf8');
  const kept = await archives(paths, ['n01', 'n02', 'n03']);
  const build = await overlayCli(root.root, ['overlay', 'build']);
  assert.equal(build.exitCode, 2);
  assert.match(build.stderr, /^disklessset: node n02: overlay test, file etc\/motd\.j2, line 3: "broken" is undefined; fix the template\n$/);
  assert.deepEqual(await archives(paths, ['n01', 'n02', 'n03']), kept);
  assert.equal(await readFile(`${paths.stateDir}/overlays.json`, 'utf8'), manifest);
  const unknown = await overlayCli(root.root, ['overlay', 'build', 'n09']);
  assert.equal(unknown.exitCode, 1);
  assert.match(unknown.stderr, /n09 not in the inventory or booting no image/);
}));

test('a hand edit that breaks one node is repaired for the others by the next command, with one warning naming that node', () => withRoot(async (root, paths) => {
  await cli(root, 'node', 'add', 'n[01-03]', '--image', 'alpha');
  const before = await archives(paths, ['n01', 'n02', 'n03']);
  const text = await readFile(paths.inventoryFile, 'utf8');
  const { writeFile } = await import('node:fs/promises');
  await writeFile(paths.inventoryFile, text.replace(/(n02:\n)/, '$1    vars:\n      template: broken\n').replace(/(n03:\n)/, '$1    vars:\n      rack: z9\n'));
  const list = await overlayCli(root.root, ['boot', 'list']);
  assert.equal(list.exitCode, 0, list.stderr);
  assert.equal(list.stderr.split('\n').filter((line) => /^disklessset: warning: the overlays of n02 were not updated/.test(line)).length, 1, list.stderr);
  const after = await archives(paths, ['n01', 'n02', 'n03']);
  assert.equal(after.n02, before.n02);
  assert.notEqual(after.n03, before.n03, 'the other nodes follow the edit');
  assert.equal(after.n01, before.n01);
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
