/**
 * Cheap checks of the end-to-end kit itself (no boot): accelerator choice,
 * QEMU command line, ganesha configuration, apt sources, cleanup of a killed
 * build, taken ports. The boots are proved with the product's own files in
 * product-boot.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { access, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/system/runner.js';
import { removeStaleBuilds } from './kit/os-tree.js';
import { removeTreeSafely } from './kit/chroot.js';
import { mountsUnder } from '../../src/system/mount.js';
import { qemuCommand, detectAccel, uefiVarsPath } from './kit/qemu.js';
import { ovmfFiles, prepareUefiVars } from './kit/firmware.js';
import { parseAptSources } from './kit/apt-sources.js';
import { parseAccessLine, startCliServer } from './kit/cli-server.js';
import { ganeshaConfig, startGanesha } from './kit/ganesha.js';
import { assertPortsFree, httpPort, nfsPort } from './kit/ports.js';
import { leasePort } from './kit/port-lease.js';
import { CLI } from '../helpers/temp-root.js';

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
  // Only command lines are built here: the log path names a place under a temporary folder, never created.
  const serialLog = join(tmpdir(), 'disklessset-kit-unused', 's.log');
  const argv = qemuCommand({ name: 'n1', bootUrl: 'http://10.0.2.2/site.ipxe', serialLog, marker: 'x', timeoutMs: 1 }, 'tcg');
  assert.ok(argv.includes('user,id=n0,hostname=n1,bootfile=http://10.0.2.2/site.ipxe'));
  assert.deepEqual(argv.slice(argv.indexOf('-boot'), argv.indexOf('-boot') + 2), ['-boot', 'n']);
  assert.throws(() => qemuCommand({ name: 'n1', serialLog, marker: 'x', timeoutMs: 1 }, 'tcg'), { code: 'E_E2E_BOOT_SOURCE' });
  assert.throws(() => qemuCommand({ name: 'n1', bootUrl: 'http://a/b,c', serialLog, marker: 'x', timeoutMs: 1 }, 'tcg'), { code: 'E_E2E_BOOT_URL' });
});

test('e2e kit: a UEFI node gets OVMF read-only, its own variable store, and boots its NIC first', () => {
  const serialLog = join(tmpdir(), 'disklessset-kit-unused', 'n1.serial.log');
  const argv = qemuCommand({ name: 'n1', bootUrl: 'http://10.0.2.2/site.ipxe', serialLog, marker: 'x', timeoutMs: 1, firmware: 'uefi' }, 'tcg');
  const drives = argv.filter((_, i) => argv[i - 1] === '-drive');
  assert.deepEqual(drives, [`if=pflash,format=raw,unit=0,readonly=on,file=${ovmfFiles().code}`,
    `if=pflash,format=raw,unit=1,file=${uefiVarsPath({ serialLog })}`]);
  assert.ok(argv.includes('virtio-net-pci,netdev=n0,bootindex=1'), argv.join(' '));
  assert.equal(argv.includes('-boot'), false, 'OVMF follows bootindex, not -boot');
  const bios = qemuCommand({ name: 'n1', bootUrl: 'http://10.0.2.2/site.ipxe', serialLog, marker: 'x', timeoutMs: 1 }, 'tcg');
  assert.equal(bios.includes('-drive'), false, 'BIOS nodes keep SeaBIOS');
});

test('e2e kit: without OVMF a UEFI boot fails at once naming the package; with it each node gets a fresh variable store', async () => {
  const base = await mkdtemp(join(tmpdir(), 'disklessset-kit-ovmf-'));
  try {
    await assert.rejects(prepareUefiVars(join(base, 'vars.fd'), ovmfFiles(join(base, 'no-ovmf'))),
      (error: Error & { code?: string }) => error.code === 'E_E2E_OVMF_MISSING' && /OVMF_CODE_4M\.fd is missing/.test(error.message));
    const fake = join(base, 'ovmf');
    await mkdir(fake);
    await writeFile(join(fake, 'OVMF_CODE_4M.fd'), 'code');
    await writeFile(join(fake, 'OVMF_VARS_4M.fd'), 'empty store');
    await prepareUefiVars(join(base, 'n1.fd'), ovmfFiles(fake));
    assert.equal(await readFile(join(base, 'n1.fd'), 'utf8'), 'empty store');
  } finally {
    await rm(base, { recursive: true, force: true });
  }
});

test('e2e kit: ganesha exports the physical path under its pseudo path, numeric owners on', () => {
  // Only configuration text is built here: the paths name places under a temporary folder, never created.
  const base = join(tmpdir(), 'disklessset-kit-unused');
  const text = ganeshaConfig([{ path: join(base, 'x'), pseudo: '/kit-pseudo/nfsimages' }], 2049, join(base, 'g'));
  assert.ok(text.includes(`Path = "${join(base, 'x')}";`), text);
  assert.match(text, /Pseudo = "\/kit-pseudo\/nfsimages";/);
  assert.match(text, /Only_Numeric_Owners = true;/);
  assert.match(text, /Bind_Addr = 127\.0\.0\.1;/);
  assert.throws(() => ganeshaConfig([{ path: join(base, '"x'), pseudo: '/p' }], 2049, join(base, 'g')), { code: 'E_E2E_EXPORT_PATH' });
});

test("e2e kit: ganesha pulls in the tool's EXPORT block by %include", () => {
  const text = ganeshaConfig([], 2049, '/tmp/g', ['/tmp/root/etc/ganesha/diskless.conf']);
  assert.match(text, /^%include "\/tmp\/root\/etc\/ganesha\/diskless\.conf"$/m);
  assert.throws(() => ganeshaConfig([], 2049, '/tmp/g', ['/tmp/a b.conf']), { code: 'E_E2E_EXPORT_PATH' });
});

test("e2e kit: serve's access-log lines become requests; other lines are ignored", () => {
  assert.deepEqual(parseAccessLine('127.0.0.1 GET /preboot_execution_environment/diskless/boot.ipxe 200 867 4.4ms'),
    { client: '127.0.0.1', method: 'GET', path: '/preboot_execution_environment/diskless/boot.ipxe', status: 200, bytes: 867 });
  assert.equal(parseAccessLine('SIGTERM: stopping'), undefined);
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
    assert.deepEqual(await mountsUnder(cacheRoot), []);
  } finally {
    // Never a plain rm here: it would descend into /dev if an unmount had failed.
    await removeTreeSafely(cacheRoot);
  }
});

test('e2e kit: a taken HTTP or NFS port fails at once, naming the port, before any server or folder is started', async () => {
  // A stand-in for whatever holds port 80 or 2049 (an ephemeral port here: the real ones may be in use by a boot run).
  const holder = createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  const port = (holder.address() as { port: number }).port;
  const scratch = await mkdtemp(join(tmpdir(), 'disklessset-e2e-ports-'));
  try {
    await assert.rejects(assertPortsFree([nfsPort(port)]), (error: Error & { code?: string }) =>
      error.code === 'E_E2E_NFS_PORT_BUSY' && error.message.includes(`127.0.0.1:${port}`));
    await assert.rejects(startCliServer({ cli: CLI, root: scratch, port }), { code: 'E_E2E_HTTP_PORT_BUSY' });
    await assert.rejects(startGanesha({ exports: [{ path: scratch, pseudo: '/p' }], port }), { code: 'E_E2E_NFS_PORT_BUSY' });
    await new Promise<void>((resolve) => holder.close(() => resolve()));
    await assertPortsFree([httpPort(port)]);
  } finally {
    if (holder.listening) holder.close();
    await removeTreeSafely(scratch);
  }
});

async function exists(path: string): Promise<boolean> {
  try { await access(path); return true; } catch { return false; }
}

test('e2e kit: boot test files take turns on a port: a second lease waits for the release; a dead holder\'s lease is taken over', async () => {
  const port = 40_000 + (process.pid % 20_000);
  const first = await leasePort(port);
  let granted = false;
  const waiting = leasePort(port).then((release) => { granted = true; return release; });
  await new Promise((resolve) => setTimeout(resolve, 1500));
  assert.equal(granted, false, 'the second lease was granted while the first was held');
  await first();
  await first(); // a second release must not free a lease taken since
  const second = await waiting;
  await second();
  // A run killed while holding the lease: its pid is gone, the next run takes the lease over.
  const gone = spawn('true');
  await once(gone, 'exit');
  const lease = join(tmpdir(), `disklessset-e2e-port-${port}.lease`);
  await mkdir(lease);
  await writeFile(join(lease, 'pid'), String(gone.pid));
  const taken = await leasePort(port, 10_000);
  await taken();
  await assert.rejects(access(lease));
});
