/**
 * Proof that the end-to-end kit boots real nodes: a livenet image over iPXE
 * and HTTP, and an NFS golden-image node from nfs-ganesha, both in QEMU,
 * both printing the marker line on their serial console. The images are
 * assembled by hand here, the way the tool will assemble them.
 *
 * Needs root and the Debian packages listed in docs/e2e.md. First run builds
 * the cached OS tree (~3 min); each boot takes 1-3 min under TCG.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { access, mkdir, mkdtemp, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type AddressInfo } from 'node:net';
import { run } from '../../src/system/runner.js';
import { ensureBootTree, removeStaleBuilds, type BootTree } from './kit/os-tree.js';
import { mountsBelow, removeTreeSafely } from './kit/chroot.js';
import { MARKER_PREFIX } from './kit/os-tree-content.js';
import { bootNode, detectAccel, qemuCommand } from './kit/qemu.js';
import { ganeshaConfig, startGanesha } from './kit/ganesha.js';
import { parseAptSources } from './kit/apt-sources.js';
import { cachedLiveSquashfs } from './kit/live-image.js';
import { livenetBootIpxe, nfsBootIpxe, siteChainIpxe } from './kit/boot-files.js';
import { createWorkspace, serveOnPort80OrAny, type Workspace } from './kit/workspace.js';
import { mib } from './kit/sizes.js';

/**
 * Per boot. 80-140 s on an idle 2-core machine under TCG, but several times
 * that when other jobs load the CPUs (TCG is pure CPU): DISKLESS_E2E_BOOT_TIMEOUT_S overrides.
 */
const BOOT_TIMEOUT_MS = Number(process.env.DISKLESS_E2E_BOOT_TIMEOUT_S ?? 600) * 1000;
const NFS_PSEUDO = '/diskless/images/nfsimages';

let treePromise: Promise<BootTree> | undefined;
/** One tree for both tests (built once, then cached on disk). */
function bootTree(): Promise<BootTree> {
  treePromise ??= ensureBootTree();
  return treePromise;
}

/** Runs `body` in a fresh workspace; removes it on success, keeps and names it on failure. */
async function inWorkspace(tree: BootTree, body: (ws: Workspace) => Promise<void>): Promise<void> {
  const ws = await createWorkspace(tree);
  try {
    await body(ws);
  } catch (error) {
    console.error(`e2e: FAILED; workspace kept at ${ws.root} (serial logs in ${ws.logs})`);
    throw error;
  }
  await ws.remove();
}

test('e2e kit: the accelerator choice is stated', async (t) => {
  const choice = await detectAccel();
  t.diagnostic(`accel: ${choice.accel} (${choice.reason})`);
  assert.ok(choice.reason.length > 0);
});

test('e2e kit: the accelerator can be forced, and nonsense is refused', async () => {
  assert.equal((await detectAccel({ DISKLESS_E2E_ACCEL: 'kvm' })).accel, 'kvm');
  await assert.rejects(detectAccel({ DISKLESS_E2E_ACCEL: 'hvf' }), { code: 'E_E2E_ACCEL' });
});

test('e2e kit: QEMU gets a network boot from the given URL with the node name as DHCP host name', () => {
  const argv = qemuCommand({ name: 'n1', bootUrl: 'http://10.0.2.2/site.ipxe', serialLog: '/tmp/s.log', marker: 'x', timeoutMs: 1 }, 'tcg');
  assert.ok(argv.includes('user,id=n0,hostname=n1,bootfile=http://10.0.2.2/site.ipxe'));
  assert.deepEqual(argv.slice(argv.indexOf('-boot'), argv.indexOf('-boot') + 2), ['-boot', 'n']);
  assert.throws(() => qemuCommand({ name: 'n1', serialLog: '/tmp/s.log', marker: 'x', timeoutMs: 1 }, 'tcg'), { code: 'E_E2E_BOOT_SOURCE' });
  assert.throws(() => qemuCommand({ name: 'n1', bootUrl: 'http://a/b,c', serialLog: '/s', marker: 'x', timeoutMs: 1 }, 'tcg'), { code: 'E_E2E_BOOT_URL' });
});

test('e2e kit: ganesha exports the physical path under its pseudo path, numeric owners on', () => {
  const text = ganeshaConfig([{ path: '/srv/x', pseudo: '/diskless/images/nfsimages' }], 2049, '/tmp/g');
  assert.match(text, /Path = "\/srv\/x";\s+Pseudo = "\/diskless\/images\/nfsimages";/);
  assert.match(text, /Only_Numeric_Owners = true;/);
  assert.match(text, /Bind_Addr = 127\.0\.0\.1;/);
  assert.throws(() => ganeshaConfig([{ path: '/srv/"x', pseudo: '/p' }], 2049, '/tmp/g'), { code: 'E_E2E_EXPORT_PATH' });
});

test('e2e kit: Debian mirrors are read from both apt source formats', () => {
  const deb822 = 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm bookworm-updates\nComponents: main\n';
  assert.deepEqual(parseAptSources(deb822, true).map((s) => s.suite), ['bookworm', 'bookworm-updates']);
  assert.deepEqual(parseAptSources('deb [arch=amd64] http://m/debian bookworm main contrib # c\n', false),
    [{ uri: 'http://m/debian', suite: 'bookworm', components: ['main', 'contrib'] }]);
});

test('e2e kit: a killed build is cleaned up without deleting through its leftover /dev bind mount', async () => {
  const cacheRoot = await mkdtemp(join(tmpdir(), 'disklessset-e2e-cache-'));
  // pid 99999999 is above Linux's pid_max: the "builder" is certainly dead.
  const leftover = join(cacheRoot, '0123456789abcdef.build-99999999-x');
  await mkdir(join(leftover, 'tree', 'dev'), { recursive: true });
  await run(['mount', '--rbind', '/dev', join(leftover, 'tree', 'dev')]);
  await run(['mount', '--make-rslave', join(leftover, 'tree', 'dev')]);
  try {
    await removeStaleBuilds(cacheRoot, () => undefined);
    assert.equal(await exists(leftover), false);
    assert.ok((await stat('/dev/null')).isCharacterDevice(), "the host's /dev/null must survive");
    assert.deepEqual(await mountsBelow(cacheRoot), []);
  } finally {
    // Never a plain rm here: it would descend into /dev if an unmount had failed.
    await removeTreeSafely(cacheRoot);
  }
});

test('e2e kit: a livenet image boots over iPXE + HTTP and prints the marker', { timeout: 40 * 60_000 }, async (t) => {
  const tree = await bootTree();
  const accel = await detectAccel();
  t.diagnostic(`accel: ${accel.accel} (${accel.reason})`);
  t.diagnostic(`tree ${tree.treeDir}: ${mib(tree.record.treeBytes)}, initramfs ${mib(tree.record.initramfsBytes)}, ` +
    `built in ${tree.record.mmdebstrapSeconds.toFixed(0)} s + dracut ${tree.record.dracutSeconds.toFixed(0)} s`);

  await inWorkspace(tree, async (ws) => {
    const imageDir = join(ws.disklessDir, 'images', 'e2e');
    await mkdir(imageDir, { recursive: true });
    const live = await cachedLiveSquashfs(tree, (line) => t.diagnostic(line));
    if (live.built) {
      t.diagnostic(`rootfs.img ${mib(live.built.rootfsBytes)} (mkfs.ext4 -d ${live.built.mkfsSeconds.toFixed(0)} s), ` +
        `squashfs.img ${mib(live.built.squashfsBytes)} (mksquashfs zstd ${live.built.mksquashfsSeconds.toFixed(0)} s)`);
    }
    // A link, not a copy: the static server follows it, and removing the workspace only drops the link.
    await symlink(live.path, join(imageDir, 'squashfs.img'));

    const server = await serveOnPort80OrAny(ws.httpRoot);
    try {
      const files = { imageName: 'e2e', kernelVersion: tree.kernelVersion, port: server.port };
      await writeFile(join(imageDir, 'boot.ipxe'), livenetBootIpxe(files));
      const base = server.port === 80 ? 'http://10.0.2.2' : `http://10.0.2.2:${server.port}`;
      await writeFile(join(ws.httpRoot, 'site.ipxe'),
        siteChainIpxe(`${base}/preboot_execution_environment/diskless/images/e2e/boot.ipxe`));

      const serialLog = join(ws.logs, 'livenet-node.log');
      t.diagnostic(`booting e2e-live1 (serial log ${serialLog})`);
      const result = await bootNode({
        name: 'e2e-live1', bootUrl: `${base}/site.ipxe`, serialLog,
        marker: MARKER_PREFIX, timeoutMs: BOOT_TIMEOUT_MS, accel: accel.accel,
      });
      t.diagnostic(`marker after ${(result.timeToMarkerMs / 1000).toFixed(0)} s: ${result.markerLine.trim()}`);
      assert.match(result.markerLine, /up on e2e-live1/);
      const fetched = server.requests.find((r) => r.path.endsWith('/images/e2e/squashfs.img') && r.status === 200);
      assert.ok(fetched, `the node never fetched squashfs.img; requests: ${JSON.stringify(server.requests)}`);
    } finally {
      await server.close();
    }
  });
});

test('e2e kit: an NFS golden node boots from ganesha and writes into its own tree', { timeout: 40 * 60_000 }, async (t) => {
  const tree = await bootTree();
  const accel = await detectAccel();
  t.diagnostic(`accel: ${accel.accel} (${accel.reason})`);

  await inWorkspace(tree, async (ws) => {
    const node = 'e2e-nfs1';
    const nodeTree = join(ws.nfsImages, 'golden', 'e2e', 'nodes', node);
    await mkdir(join(nodeTree, '..'), { recursive: true });
    const copyStarted = Date.now();
    await run(['cp', '-a', tree.treeDir, nodeTree], { timeoutMs: 10 * 60_000 });
    t.diagnostic(`per-node copy of the tree in ${((Date.now() - copyStarted) / 1000).toFixed(0)} s`);

    const imageDir = join(ws.disklessDir, 'images', 'e2e-nfs');
    await mkdir(imageDir, { recursive: true });
    // 2049 unless another run holds it: the node then gets port= in its root options.
    const nfsPort = (await portIsFree(2049)) ? 2049 : await freePort();
    const ganesha = await startGanesha({ exports: [{ path: ws.nfsImages, pseudo: NFS_PSEUDO }], port: nfsPort });
    const server = await serveOnPort80OrAny(ws.httpRoot);
    try {
      await writeFile(join(imageDir, 'boot.ipxe'), nfsBootIpxe({
        imageName: 'e2e', kernelVersion: tree.kernelVersion, port: server.port, nfsServer: '10.0.2.2', pseudoRoot: NFS_PSEUDO, nfsPort,
      }));
      const base = server.port === 80 ? 'http://10.0.2.2' : `http://10.0.2.2:${server.port}`;
      await writeFile(join(ws.httpRoot, 'site.ipxe'),
        siteChainIpxe(`${base}/preboot_execution_environment/diskless/images/e2e-nfs/boot.ipxe`));

      const serialLog = join(ws.logs, 'nfs-node.log');
      t.diagnostic(`booting ${node} (serial log ${serialLog}, ganesha log ${ganesha.logPath})`);
      const result = await bootNode({
        name: node, bootUrl: `${base}/site.ipxe`, serialLog,
        marker: MARKER_PREFIX, timeoutMs: BOOT_TIMEOUT_MS, accel: accel.accel,
      });
      t.diagnostic(`marker after ${(result.timeToMarkerMs / 1000).toFixed(0)} s: ${result.markerLine.trim()}`);
      assert.match(result.markerLine, new RegExp(`up on ${node}`));
    } catch (error) {
      await ganesha.stop(true);
      console.error(`e2e: ganesha state kept in ${ganesha.stateDir}`);
      throw error;
    } finally {
      await server.close();
    }
    await ganesha.stop();

    // The node syncs its file before printing the marker; allow a bounded moment anyway.
    const written = join(nodeTree, 'var', 'tmp', `e2e-wrote-${node}`);
    const deadline = Date.now() + 60_000;
    while (!(await exists(written)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 1000));
    assert.ok(await exists(written), `${written} never appeared: the node's root is not its own writable tree`);
    assert.match(await readFile(written, 'utf8'), /\d{4}/);
    assert.equal(await exists(join(tree.treeDir, 'var', 'tmp', `e2e-wrote-${node}`)), false,
      'the file leaked into the cached source tree');
  });
});

async function exists(path: string): Promise<boolean> {
  try { await access(path); return true; } catch { return false; }
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
