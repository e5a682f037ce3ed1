import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lstat, mkdir, mkdtemp, readdir, readFile, rename, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { overlayCliOk, withOverlayRoot } from '../../helpers/overlay-renderer.js';
import { overlayArchivePath, overlayGenerationDir, overlayGenerationsDir, overlayManifestFile } from '../../../src/boot/boot-paths.js';
import { servedArchives } from '../../../src/boot/overlays/archive-files.js';
import { readManifest } from '../../../src/boot/overlays/overlay-state.js';
import type { Paths } from '../../../src/core/paths.js';
import { makeTempRoot } from '../../helpers/temp-root.js';
import { runCli } from '../../helpers/run-cli.js';

const cli = overlayCliOk;

async function servedId(paths: Paths): Promise<number> {
  const served = await servedArchives(paths);
  assert.equal(served.kind, 'generation');
  return (served as { id: number }).id;
}

async function archives(paths: Paths, nodes: readonly string[]): Promise<Buffer[]> {
  return Promise.all(nodes.map((node) => readFile(overlayArchivePath(paths, node))));
}

/** A folder outside the root, removed after `action`: what a symbolic link put there by hand points to. */
async function withOutside(action: (outside: string) => Promise<void>): Promise<void> {
  const outside = await mkdtemp(join(tmpdir(), 'disklessset-outside-'));
  try {
    await action(outside);
  } finally {
    await rm(outside, { recursive: true, force: true });
  }
}

for (const replaced of ['the served generation', 'the generations folder'] as const) {
  test(`${replaced} replaced by a symbolic link: the next change writes nothing outside the root and serves a new, whole generation`, () => withOverlayRoot(async (root, paths) => withOutside(async (outside) => {
    await cli(root, 'node', 'add', 'n[01-03]', '--image', 'alpha', '--var', 'rack=a1');
    const before = await archives(paths, ['n01', 'n03']);
    const folder = replaced === 'the served generation' ? overlayGenerationDir(paths, await servedId(paths)) : overlayGenerationsDir(paths);
    // The link points to a copy of the folder, as a hand edit would leave it.
    await rename(folder, join(outside, 'moved'));
    await symlink(join(outside, 'moved'), folder);
    const outsideBefore = (await readdir(outside, { recursive: true })).sort();

    await cli(root, 'node', 'set', 'n02', '--var', 'rack=b2');
    assert.deepEqual((await readdir(outside, { recursive: true })).sort(), outsideBefore, 'nothing written, renamed or removed outside the root');
    await servedId(paths);
    assert.equal((await lstat(overlayGenerationsDir(paths))).isDirectory(), true, 'the generations folder is a real folder again');
    assert.deepEqual(await archives(paths, ['n01', 'n03']), before, 'every other node still has its archive, the same bytes');
    assert.ok((await readFile(overlayArchivePath(paths, 'n02'))).length > 0, 'the changed node has its archive');
  })));
}

test('a killed build\'s sweep does not follow a generation replaced by a symbolic link: nothing outside the root is removed', () => withOverlayRoot(async (root, paths) => withOutside(async (outside) => {
  await cli(root, 'node', 'add', 'n[01-02]', '--image', 'alpha');
  const generation = overlayGenerationDir(paths, await servedId(paths));
  await rename(generation, join(outside, 'moved'));
  await symlink(join(outside, 'moved'), generation);
  // What a dead writer's temporary archive looks like, in the folder the link points to, and a recorded intent.
  const leftover = join(outside, 'moved', '.n01.img.tmp-999999-0badcafe');
  await writeFile(leftover, 'not ours');
  await writeFile(join(paths.stateDir, 'overlays.pending.json'), '{"nodes":{}}\n');
  await cli(root, 'node', 'list');
  assert.equal(await readFile(leftover, 'utf8'), 'not ours', 'the file outside the root is still there');
  await servedId(paths);
})));

test('`overlay build` rewrites archives whose bytes were changed on disk (truncated, or swapped with another node\'s) and leaves whole ones', () => withOverlayRoot(async (root, paths) => {
  await cli(root, 'node', 'add', 'n[01-04]', '--image', 'alpha');
  const before = await archives(paths, ['n01', 'n02', 'n03', 'n04']);
  await truncate(overlayArchivePath(paths, 'n01'), 10);
  await writeFile(overlayArchivePath(paths, 'n02'), before[2] as Buffer);
  await rm(overlayArchivePath(paths, 'n04'));
  await mkdir(overlayArchivePath(paths, 'n04'));
  const build = JSON.parse(await cli(root, 'overlay', 'build', '--json')) as { written: number; unchanged: number };
  assert.equal(build.written, 3, 'the truncated, the swapped and the folder put in place of an archive');
  assert.equal(build.unchanged, 1);
  assert.deepEqual(await archives(paths, ['n01', 'n02', 'n03', 'n04']), before, 'each node has its own archive again');
  assert.equal((JSON.parse(await cli(root, 'overlay', 'build', '--json')) as { written: number }).written, 0, 'then nothing differs');
}));

test('`overlay build` re-derives each record: a secret flag or address edited by hand in overlays.json is put right', async () => {
  // The real renderer: it renders again only what changed, so a later change alone keeps the edited records.
  const root = await makeTempRoot();
  try {
    const services = await root.services();
    await services.images.create('DemoImage', 'alpha', { message: 'hello' });
    await mkdir(join(services.paths.overlaysDir, 'munge', 'etc'), { recursive: true });
    await writeFile(join(services.paths.overlaysDir, 'munge', 'etc', 'munge.key'), 'site secret\n');
    await writeFile(join(services.paths.overlaysDir, 'munge', 'overlay.yml'), 'files:\n  /etc/munge.key: {secret: true}\n');
    const ok = async (...argv: string[]) => assert.equal((await runCli(argv, { root: root.root })).exitCode, 0, argv.join(' '));
    await ok('node', 'add', 'n01', '--image', 'alpha', '--ip', '10.1.0.1', '--overlay', 'munge');
    await ok('node', 'add', 'n02', '--image', 'alpha', '--ip', '10.1.0.2', '--overlay', 'munge');
    const paths = services.paths;
    const manifest = JSON.parse(await readFile(overlayManifestFile(paths), 'utf8')) as { nodes: Record<string, { secret: boolean; ip?: string }> };
    assert.equal(manifest.nodes.n01?.secret, true, 'the archive holds the site secret');
    manifest.nodes.n01 = { ...manifest.nodes.n01, secret: false } as { secret: boolean };
    manifest.nodes.n02 = { ...manifest.nodes.n02, ip: '10.9.9.9' } as { secret: boolean };
    await writeFile(overlayManifestFile(paths), `${JSON.stringify(manifest)}\n`);
    await ok('node', 'set', 'n02', '--var', 'rack=r1');
    await ok('node', 'set', 'n02', '--var', 'rack=r2');
    assert.equal((await readManifest(paths)).nodes.n01?.secret, false, 'a change of another node keeps the record it had no reason to render again');
    await ok('overlay', 'build');
    const fixed = (await readManifest(paths)).nodes;
    assert.equal(fixed.n01?.secret, true);
    assert.equal(fixed.n01?.ip, '10.1.0.1');
    assert.equal(fixed.n02?.ip, '10.1.0.2');
  } finally {
    await root.cleanup();
  }
});

test('a build of some nodes also brings back the archive deleted by hand of another node, since its node script loads it', () => withOverlayRoot(async (root, paths) => {
  await cli(root, 'node', 'add', 'n[01-03]', '--image', 'alpha');
  const before = await readFile(overlayArchivePath(paths, 'n03'));
  await rm(overlayArchivePath(paths, 'n03'));
  await cli(root, 'overlay', 'build', 'n01');
  assert.deepEqual(await readFile(overlayArchivePath(paths, 'n03')), before);
}));

test('a site overlay folder deleted by hand isolates only the node listing it: the others still follow a change', async () => {
  const root = await makeTempRoot();
  try {
    const services = await root.services();
    await services.images.create('DemoImage', 'alpha', { message: 'hello' });
    await mkdir(join(services.paths.overlaysDir, 'site', 'etc'), { recursive: true });
    await writeFile(join(services.paths.overlaysDir, 'site', 'etc', 'motd'), 'hello\n');
    const cli = (...argv: string[]) => runCli(argv, { root: root.root });
    assert.equal((await cli('node', 'add', 'c[1-3]', '--image', 'alpha')).exitCode, 0);
    assert.equal((await cli('node', 'set', 'c1', '--overlay', 'site', '--overlay', 'hostname')).exitCode, 0);
    await rm(join(services.paths.overlaysDir, 'site'), { recursive: true });
    const change = await cli('node', 'set', 'c3', '--ip', '10.0.0.3');
    assert.equal(change.exitCode, 0);
    assert.match(change.stderr, /the overlays of c1 were not updated .*no overlay named site/);
    const hosts = gunzipSync(await readFile(overlayArchivePath(services.paths, 'c2'))).toString('latin1');
    assert.match(hosts, /10\.0\.0\.3\tc3/, 'c2\'s /etc/hosts has c3\'s new address');
  } finally {
    await root.cleanup();
  }
});

test('one node\'s damaged key folder (a link in it, or a file in its place) stops that node only: the others follow a change', async () => {
  const root = await makeTempRoot();
  try {
    const services = await root.services();
    await services.images.create('DemoImage', 'alpha', { message: 'hello' });
    const cli = (...argv: string[]) => runCli(argv, { root: root.root });
    assert.equal((await cli('node', 'add', 'c[1-4]', '--image', 'alpha', '--overlay', 'hostname', '--overlay', 'ssh-host-keys')).exitCode, 0);
    const keys = services.paths.nodeHostKeysDir('c2');
    await rm(join(keys, 'ssh_host_ed25519_key.pub'));
    await symlink(join(services.paths.nodeHostKeysDir('c3'), 'ssh_host_ed25519_key.pub'), join(keys, 'ssh_host_ed25519_key.pub'));
    await rm(services.paths.nodeHostKeysDir('c4'), { recursive: true });
    await writeFile(services.paths.nodeHostKeysDir('c4'), 'not a folder');
    const change = await cli('node', 'set', 'c3', '--ip', '10.0.0.3');
    assert.equal(change.exitCode, 0, change.stderr);
    assert.match(change.stderr, /c2 .*symbolic link/);
    const hosts = gunzipSync(await readFile(overlayArchivePath(services.paths, 'c1'))).toString('latin1');
    assert.match(hosts, /10\.0\.0\.3\tc3/, 'c1 follows the change');
    const build = await cli('overlay', 'build');
    assert.notEqual(build.exitCode, 0, 'overlay build names the damaged node instead of skipping it');
    assert.match(build.stderr, /c2|c4/);
  } finally {
    await root.cleanup();
  }
});
