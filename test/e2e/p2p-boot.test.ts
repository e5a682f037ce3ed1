/**
 * The initramfs side of issue 17 boots real nodes: the boot tree has aria2c
 * (the kit's tree plus the aria2 package), so `kernel initramfs --chroot`
 * adds the shipped `diskless-fetch` dracut module; a livenet image is made
 * and published with its `.torrent` and `.sha256`; then
 * - a node with `diskless.p2p=1` fetches its root image with aria2c in the
 *   initramfs (it announces to the tracker, the console says "via p2p") and
 *   reaches the marker;
 * - a node whose root image URL is on a dead server, and whose
 *   `diskless.servers=` lists that server then the live one, gets its root
 *   image from the live one in the initramfs and reaches the marker.
 *
 * The tracker is a `bittorrent-tracker` server started here (the HTTP
 * announce that `serve --tracker` runs), reached by the guest through QEMU's
 * user networking at 10.0.2.2. Needs root and port 80 (see docs/e2e.md).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { Server } from 'bittorrent-tracker';
import { run } from '../../src/system/runner.js';
import { Paths } from '../../src/core/paths.js';
import { makeTempRoot, CLI, type TempRoot } from '../helpers/temp-root.js';
import { ensureBootTree, type BootTree } from './kit/os-tree.js';
import { MARKER_PREFIX } from './kit/os-tree-content.js';
import { bootNode, detectAccel, type AccelChoice } from './kit/qemu.js';
import { assertPortsFree, httpPort } from './kit/ports.js';
import { startCliServer, type CliServer } from './kit/cli-server.js';
import { addKernelWithInitramfs, cliOn, loadAverage, passwordHash, SITE_SCRIPT_URL, writeSiteScript, type Cli, type InstalledKernel } from './kit/product-steps.js';
import { mib } from './kit/sizes.js';

const BOOT_TIMEOUT_MS = Number(process.env.DISKLESS_E2E_BOOT_TIMEOUT_S ?? 900) * 1000;
const STEP_TIMEOUT_MS = 60 * 60_000;
const IMAGE = 'e2e-p2p';
/** The guest reaches the host's 127.0.0.1 here (QEMU user networking). */
const HOST = '10.0.2.2';
/** Nothing listens there: connections are refused at once. */
const DEAD_SERVER = `http://${HOST}:9`;

let root: TempRoot;
let cli: Cli;
let tree: BootTree;
let accel: AccelChoice;
let kernel: InstalledKernel | undefined;
let httpRoot: string;
let logs: string;
let tracker: Server;
let trackerPort: number;
const announces: { event: string; infoHash: string }[] = [];
let failed = false;

before(async () => {
  await assertPortsFree([httpPort()]);
  root = await makeTempRoot();
  cli = cliOn(CLI, root.root);
  httpRoot = join(root.root, 'var', 'www', 'html');
  logs = join(root.root, 'e2e-logs');
  await mkdir(logs, { recursive: true });
  accel = await detectAccel();
  tracker = new Server({ http: true, udp: false, ws: false, stats: false });
  for (const event of ['start', 'complete', 'update', 'stop']) {
    tracker.on(event, (_address: string, params: { info_hash?: string }) => announces.push({ event, infoHash: params?.info_hash ?? '' }));
  }
  await new Promise<void>((resolve) => tracker.listen(0, '127.0.0.1', () => resolve()));
  trackerPort = (tracker.http?.address() as AddressInfo).port;
});

after(async () => {
  await new Promise<void>((resolve) => (tracker ? tracker.close(() => resolve()) : resolve()));
  if (!root) return;
  if (failed) {
    console.error(`e2e p2p: FAILED; ${await root.keepForDebugging({ alwaysKeep: ['e2e-logs'] })} (serial logs in ${logs})`);
    return;
  }
  await root.cleanup();
});

async function guarded(body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    failed = true;
    throw error;
  }
}

/** Boots `node` with serve running; returns its console text; prints the tail on failure. */
async function bootWithServer(t: { diagnostic(message: string): void }, node: string, server: CliServer): Promise<string> {
  const serialLog = join(logs, `${node}.serial.log`);
  const loadBefore = await loadAverage();
  try {
    const result = await bootNode({ name: node, bootUrl: SITE_SCRIPT_URL, serialLog, marker: MARKER_PREFIX, timeoutMs: BOOT_TIMEOUT_MS, accel: accel.accel });
    t.diagnostic(`${node}: marker after ${(result.timeToMarkerMs / 1000).toFixed(0)} s under ${accel.accel} (load before ${loadBefore}, after ${await loadAverage()})`);
    assert.match(result.markerLine, new RegExp(`up on ${node}`));
    return await readFile(serialLog, 'latin1');
  } catch (error) {
    const console = await readFile(serialLog, 'latin1').catch(() => '(no serial output)');
    process.stderr.write(`--- serial console of ${node} (last 80 lines) ---\n${console.split('\n').slice(-80).join('\n')}\n`);
    process.stderr.write(`--- served requests ---\n${server.requests.map((r) => `${r.status} ${r.path}`).join('\n')}\n`);
    throw error;
  }
}

/** The versioned root image file of the image (`squashfs-<id>.img`). */
async function versionedImage(): Promise<string> {
  const dir = join(httpRoot, 'preboot_execution_environment', 'diskless', 'images', IMAGE);
  const found = (await readdir(dir)).filter((name) => /^squashfs-[0-9a-f]+\.img$/.test(name));
  assert.equal(found.length, 1, `one version expected, found ${found.join(' ')}`);
  return found[0] as string;
}

test('p2p e2e: kernel initramfs --chroot in a tree with aria2c adds diskless-fetch; livenet create publishes the torrent and hash', { timeout: STEP_TIMEOUT_MS }, (t) => guarded(async () => {
  tree = await ensureBootTree({ extraPackages: ['aria2'], log: (line) => t.diagnostic(line) });
  await mkdir(dirname(Paths.configFile(root.root)), { recursive: true });
  await writeFile(Paths.configFile(root.root), `server_address: ${HOST}\np2p_tracker_url: http://${HOST}:${trackerPort}/announce\n`);
  kernel = await addKernelWithInitramfs(cli, tree, httpRoot);
  t.diagnostic(`initramfs ${mib(kernel.initramfsBytes)} in ${kernel.dracutSeconds.toFixed(0)} s`);
  const contents = (await run(['lsinitrd', kernel.initramfsPath], { timeoutMs: 300_000 })).stdout;
  const modules = /dracut modules:\n([\s\S]*?)\n=+/.exec(contents)?.[1]?.split('\n') ?? [];
  for (const needed of ['livenet', 'dmsquash-live', 'diskless-fetch']) {
    assert.ok(modules.includes(needed), `initramfs lacks dracut module ${needed}; it has: ${modules.join(' ')}`);
  }
  assert.match(contents, /usr\/bin\/aria2c/);

  const started = Date.now();
  await cli(['livenet', 'create', IMAGE, '--kernel', kernel.kernel, '--source', `dir:${tree.treeDir}`,
    '--size', '1200M', '--password-hash', await passwordHash('diskless-e2e')]);
  const image = await versionedImage();
  const dir = join(httpRoot, 'preboot_execution_environment', 'diskless', 'images', IMAGE);
  t.diagnostic(`livenet create in ${((Date.now() - started) / 1000).toFixed(0)} s: ${image}`);
  assert.match(await readFile(join(dir, `${image}.sha256`), 'utf8'), /^[0-9a-f]{64}\n$/);
  assert.ok((await readFile(join(dir, `${image}.torrent`))).includes(`${HOST}:${trackerPort}/announce`), 'the torrent names our tracker');
  await writeSiteScript(httpRoot);
}));

test('p2p e2e: a node with diskless.p2p=1 fetches its root image with aria2c in the initramfs, announces, and boots', { timeout: STEP_TIMEOUT_MS }, (t) => guarded(async () => {
  assert.ok(kernel, 'the initramfs step failed');
  const image = await versionedImage();
  await cli(['node', 'add', 'e2e-p2p1']);
  await cli(['node', 'set', 'e2e-p2p1', '--image', IMAGE, '--kernel-args', 'diskless.p2p=1 diskless.p2p.seed=120']);
  const server = await startCliServer({ cli: CLI, root: root.root });
  let console: string;
  try {
    console = await bootWithServer(t, 'e2e-p2p1', server);
  } finally {
    await server.stop();
  }
  assert.match(console, /diskless-fetch: .*root image via p2p \(aria2c\), sha256 checked/, 'the console says the root came peer-to-peer');
  assert.match(console, /diskless-fetch: .*seeding for 120 s/);
  const fetched = server.requests.filter((r) => r.status === 200).map((r) => r.path.replace(/\?.*$/, ''));
  const imagePath = `/preboot_execution_environment/diskless/images/${IMAGE}/${image}`;
  assert.ok(fetched.includes(`${imagePath}.torrent`), `the node never fetched the torrent; it fetched: ${fetched.join(' ')}`);
  assert.ok(fetched.includes(`${imagePath}.sha256`), 'the node never fetched the hash');
  // With no other peer, the pieces come from the web seed (the image on serve), through aria2c.
  assert.ok(announces.some((a) => a.event === 'start'), `the tracker saw no announce: ${JSON.stringify(announces)}`);
  assert.ok(announces.some((a) => a.event === 'complete'), `the tracker saw no completed download: ${JSON.stringify(announces)}`);
}));

test('p2p e2e: a node whose root image server is dead gets it from the next of diskless.servers= in the initramfs, and boots', { timeout: STEP_TIMEOUT_MS }, (t) => guarded(async () => {
  assert.ok(kernel, 'the initramfs step failed');
  const image = await versionedImage();
  const imagePath = `/preboot_execution_environment/diskless/images/${IMAGE}/${image}`;
  await cli(['server', 'add', 'dead', DEAD_SERVER]);
  await cli(['server', 'add', 'main', `http://${HOST}`]);
  await cli(['node', 'add', 'e2e-fo1']);
  // iPXE falls over from the dead server for its own fetches; the root image URL is set on the dead
  // server (the node's own arguments come last, so they win) for the initramfs to fall over too.
  await cli(['node', 'set', 'e2e-fo1', '--image', IMAGE, '--servers', 'dead,main', '--kernel-args', `root=live:${DEAD_SERVER}${imagePath}`]);
  const server = await startCliServer({ cli: CLI, root: root.root });
  let console: string;
  try {
    console = await bootWithServer(t, 'e2e-fo1', server);
  } finally {
    await server.stop();
  }
  assert.match(console, new RegExp(`diskless-fetch: ${DEAD_SERVER}${imagePath} failed, next server`));
  assert.match(console, new RegExp(`diskless-fetch: root image via http from http://${HOST}${imagePath}`));
  const fetched = server.requests.filter((r) => r.status === 200).map((r) => r.path);
  assert.ok(fetched.includes(imagePath), `serve never sent the root image; it sent: ${fetched.join(' ')}`);
}));
