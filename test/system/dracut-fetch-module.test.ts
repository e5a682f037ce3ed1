/**
 * `diskless-p2p-fetch`, the fetch script of the shipped `diskless-fetch`
 * dracut module, run as a real process on 127.0.0.1: our HTTP server serves
 * a small root image with its `.sha256`, a torrent made with create-torrent
 * and a bittorrent-tracker; the seeder of `serve --seed` (system/bt-seeder.ts),
 * aria2c and curl are the real ones.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import createTorrent from 'create-torrent';
import { Server } from 'bittorrent-tracker';
import { run, type RunResult } from '../../src/system/runner.js';
import { shippedDracutModulesDir } from '../../src/system/dracut-overlay-module.js';
import { FETCH_DRACUT_MODULE_DIR } from '../../src/system/dracut-fetch-module.js';
import { makeBootTree, patterned, startServer, type BootTree } from '../helpers/serve-fixture.js';
import { startSeeder } from '../../src/system/bt-seeder.js';
import { freeLoopbackPort } from '../helpers/nginx-harness.js';
import type { BootServer } from '../../src/serve/static-server.js';

const SCRIPT = join(shippedDracutModulesDir(), FETCH_DRACUT_MODULE_DIR, 'diskless-p2p-fetch');
/** A port nothing listens on: connections are refused at once. */
const DEAD = 'http://127.0.0.1:9';
/** Short stalls so a dead swarm is given up quickly (the default, 30 s, is for real networks). */
const QUICK_ENV = { DISKLESS_P2P_STALL_SECONDS: '4', DISKLESS_P2P_CONNECT_SECONDS: '3' };

let tree: BootTree;
let server: BootServer;
let tracker: Server;
let trackerUrl: string;
const announced: string[] = [];
const image = patterned(3 * 1024 * 1024 + 17, 5);
let imageUrl: string;
let dir: string;

/** Writes `<name>` (create-torrent metainfo of the image) into the served image folder. */
async function publishTorrent(name: string, options: { tracker: string; webSeed: boolean }): Promise<string> {
  const torrent = await new Promise<Uint8Array>((resolve, reject) => {
    createTorrent(join(dir, 'squashfs-1.img'), {
      announceList: [[options.tracker]], urlList: options.webSeed ? [imageUrl] : [], pieceLength: 256 * 1024, createdBy: 'test',
    }, (error, made) => (error ? reject(error) : resolve(made)));
  });
  await writeFile(join(dir, name), torrent);
  return `${server.url}preboot_execution_environment/diskless/images/demo/${name}`;
}

function fetchScript(args: string[], env: Record<string, string> = {}): Promise<RunResult> {
  return run(['sh', SCRIPT, ...args], { allowFailure: true, timeoutMs: 120_000, env });
}

before(async () => {
  tree = await makeBootTree();
  dir = join(tree.diskless, 'images', 'demo');
  await writeFile(join(dir, 'squashfs-1.img'), image);
  await writeFile(join(dir, 'squashfs-1.img.sha256'), `${createHash('sha256').update(image).digest('hex')}\n`);
  await writeFile(join(dir, 'wrong.sha256'), `${'0'.repeat(64)}\n`);
  server = await startServer(tree.root);
  imageUrl = `${server.url}preboot_execution_environment/diskless/images/demo/squashfs-1.img`;
  tracker = new Server({ http: true, udp: false, ws: false, stats: false });
  tracker.on('start', (address: string) => announced.push(`start ${address}`));
  tracker.on('complete', (address: string) => announced.push(`complete ${address}`));
  await new Promise<void>((resolve) => tracker.listen(0, '127.0.0.1', () => resolve()));
  trackerUrl = `http://127.0.0.1:${(tracker.http?.address() as AddressInfo).port}/announce`;
});

after(async () => {
  await new Promise<void>((resolve) => tracker.close(() => resolve()));
  await server.close();
  await tree.cleanup();
});

async function outputDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'disklessset-p2p-out-'));
}

test('the script fetches the root image from the boot server\'s seeder through the tracker (its only HTTP server is dead), checks the sha256 and says so', async () => {
  const torrentUrl = await publishTorrent('peers-only.torrent', { tracker: trackerUrl, webSeed: false });
  const out = await outputDir();
  const seeder = await startSeeder({
    list: async () => [{ torrentFile: join(dir, 'peers-only.torrent'), dir, fileName: 'squashfs-1.img' }], port: await freeLoopbackPort(), pollMs: 3_600_000,
  });
  try {
    // The only HTTP URL is dead: the bytes can only come from the seeder.
    const result = await fetchScript([torrentUrl, join(out, 'root.img'), `${imageUrl}.sha256`, '0', `${DEAD}/squashfs-1.img`]);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.deepEqual(await readFile(join(out, 'root.img')), image);
    assert.match(result.stderr, /^diskless-p2p-fetch: root image via p2p \(aria2c\), sha256 checked$/m);
    assert.ok(announced.some((line) => line.startsWith('start ')), 'aria2c announced itself to the tracker');
    // Without seeding, nothing is left beside the image.
    assert.deepEqual(await readdir(out), ['root.img']);
  } finally {
    await seeder.close();
    await rm(out, { recursive: true, force: true });
  }
});

test('with a live tracker but no peer at all, aria2c gives up after the stall time and takes the pieces from the servers as web seeds', async () => {
  const torrentUrl = await publishTorrent('no-peers.torrent', { tracker: trackerUrl, webSeed: false });
  const out = await outputDir();
  try {
    const result = await fetchScript([torrentUrl, join(out, 'root.img'), `${imageUrl}.sha256`, '0', imageUrl], QUICK_ENV);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.match(result.stderr, /the swarm stalled: the missing pieces from the servers \(web seeds\)\n[\s\S]*root image via p2p \(aria2c\), sha256 checked/);
    assert.deepEqual(await readFile(join(out, 'root.img')), image);
    assert.deepEqual(await readdir(out), ['root.img'], 'no control file or partial copy left');
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});

test('a root image that does not match the published sha256 fails (aria2c and plain HTTP alike) and leaves no file', async () => {
  const torrentUrl = await publishTorrent('seeded.torrent', { tracker: trackerUrl, webSeed: true });
  const out = await outputDir();
  try {
    const wrong = `${server.url}preboot_execution_environment/diskless/images/demo/wrong.sha256`;
    const result = await fetchScript([torrentUrl, join(out, 'root.img'), wrong, '0', imageUrl]);
    assert.notEqual(result.exitCode, 0);
    assert.match(result.stderr, /the peer-to-peer copy does not match the published sha256/);
    assert.match(result.stderr, /squashfs-1\.img does not match the published sha256/);
    assert.deepEqual(await readdir(out), [], 'no output, no partial file');
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});

test('with the tracker unreachable the script still completes from the servers; with no server either it fails, leaving nothing', async () => {
  const torrentUrl = await publishTorrent('dead-tracker.torrent', { tracker: `${DEAD}/announce`, webSeed: false });
  const out = await outputDir();
  try {
    const served = await fetchScript([torrentUrl, join(out, 'root.img'), `${imageUrl}.sha256`, '0', imageUrl], QUICK_ENV);
    assert.equal(served.exitCode, 0, served.stderr);
    assert.deepEqual(await readFile(join(out, 'root.img')), image);

    await rm(join(out, 'root.img'));
    const nothing = await fetchScript([torrentUrl, join(out, 'root.img'), `${imageUrl}.sha256`, '0', `${DEAD}/squashfs-1.img`], QUICK_ENV);
    assert.notEqual(nothing.exitCode, 0);
    assert.match(nothing.stderr, /aria2c failed\n[\s\S]*falling back to plain http[\s\S]*could not be fetched from any server/);
    assert.deepEqual(await readdir(out), []);
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});

test('without the sha256 the script skips the peer-to-peer path and falls back to plain HTTP', async () => {
  const torrentUrl = await publishTorrent('seeded.torrent', { tracker: trackerUrl, webSeed: true });
  const out = await outputDir();
  try {
    const result = await fetchScript([torrentUrl, join(out, 'root.img'), `${DEAD}/none.sha256`, '0', `${DEAD}/squashfs-1.img`, imageUrl]);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.match(result.stderr, /no sha256 at/);
    assert.match(result.stderr, /root image via http from .*squashfs-1\.img$/m);
    assert.deepEqual(await readFile(join(out, 'root.img')), image);
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});

test('after a peer-to-peer fetch a detached seeder named "@..." serves the image to the next peer, with no server at all', async () => {
  const torrentUrl = await publishTorrent('peers-only.torrent', { tracker: trackerUrl, webSeed: false });
  const first = await outputDir();
  const second = await outputDir();
  let seeder: number | undefined;
  try {
    const seeded = await fetchScript([torrentUrl, join(first, 'root.img'), `${imageUrl}.sha256`, '60', imageUrl]);
    assert.equal(seeded.exitCode, 0, seeded.stderr);
    seeder = Number(/seeding for 60 s \(pid (\d+)\)/.exec(seeded.stderr)?.[1]);
    assert.ok(seeder > 0, seeded.stderr);
    // The script has exited; the seeder runs on, in a session of its own, argv[0] starting with '@' (systemd spares it at switch-root).
    const argv0 = (await readFile(`/proc/${seeder}/cmdline`, 'latin1')).split('\0')[0];
    assert.equal(argv0, '@diskless-seed');
    const session = (await readFile(`/proc/${seeder}/stat`, 'latin1')).split(') ')[1]?.split(' ')[3];
    assert.equal(session, String(seeder), 'the seeder leads its own session');

    // A second node: the torrent has no web seed and its only HTTP server is dead, so every piece comes from the seeder.
    const fromPeer = await fetchScript([torrentUrl, join(second, 'root.img'), `${imageUrl}.sha256`, '0', `${DEAD}/squashfs-1.img`]);
    assert.equal(fromPeer.exitCode, 0, fromPeer.stderr);
    assert.match(fromPeer.stderr, /root image via p2p/);
    assert.deepEqual(await readFile(join(second, 'root.img')), image);
  } finally {
    if (seeder) {
      try { process.kill(seeder); } catch { /* already gone */ }
    }
    await rm(first, { recursive: true, force: true });
    await rm(second, { recursive: true, force: true });
  }
});

test('the script refuses a seed time that is not a number of seconds, before fetching anything', async () => {
  const result = await fetchScript([`${DEAD}/x.torrent`, join(tmpdir(), 'never.img'), `${DEAD}/x.sha256`, '5m', imageUrl]);
  assert.equal(result.exitCode, 2);
  assert.match(result.stderr, /SEED_SECONDS must be a whole number of seconds, not '5m'/);
});
