/**
 * Per-node overlays at boot, and UEFI. One livenet image, made by the product
 * steps of product-boot.test.ts (shared kit: our `kernel add`, `kernel
 * initramfs --chroot` with the shipped dracut module, `livenet create`,
 * `serve`), boots three nodes, each with its own inventory entry:
 * - two BIOS nodes at once: each console shows its own /etc/hostname and a
 *   line rendered from a template with its own variable;
 * - the first boots again and shows the same SSH host key as `node ssh-keys`
 *   printed before it ever booted;
 * - a UEFI node (OVMF + the EFI build of iPXE in QEMU's NIC ROM) gets its
 *   overlay through the same boot files, named on the kernel line for the
 *   kernel's EFI stub.
 * Then the address rule of secret archives: a request for a node's archive
 * from an address that is not the node's gets 403.
 *
 * Needs root, port 80 on 127.0.0.1, and the Debian packages in docs/e2e.md,
 * `ovmf` included: without OVMF the file fails at once saying so.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempRoot, CLI, type TempRoot } from '../helpers/temp-root.js';
import { ensureBootTree } from './kit/os-tree.js';
import { MARKER_PREFIX } from './kit/os-tree-content.js';
import { bootNode, detectAccel, type AccelChoice, type BootResult } from './kit/qemu.js';
import { ovmfFiles, prepareUefiVars, type Firmware } from './kit/firmware.js';
import { assertPortsFree, httpPort } from './kit/ports.js';
import { startCliServer, type CliServer } from './kit/cli-server.js';
import { addKernelWithInitramfs, cliOn, loadAverage, passwordHash, SITE_SCRIPT_URL, writeSiteScript, type Cli } from './kit/product-steps.js';
import { fingerprintHex, overlayLineOf, SITE_OVERLAY, writeSiteOverlay } from './kit/site-overlay.js';
import { mib } from './kit/sizes.js';

/** Per boot under TCG; OVMF adds its own start-up, and a loaded machine several times more. */
const BOOT_TIMEOUT_MS = Number(process.env.DISKLESS_E2E_BOOT_TIMEOUT_S ?? 1200) * 1000;
const STEP_TIMEOUT_MS = 60 * 60_000;
const PREFIX = '/preboot_execution_environment/diskless';

let root: TempRoot | undefined;
let cli: Cli;
let logs: string;
let accel: AccelChoice;
let built = false;
let failed = false;

before(async () => {
  await assertPortsFree([httpPort()]);
  root = await makeTempRoot();
  logs = join(root.root, 'e2e-logs');
  await mkdir(logs, { recursive: true });
  // First, before anything long: no OVMF is a clear failure, never a silent pass.
  await prepareUefiVars(join(logs, 'ovmf-check.fd'), ovmfFiles());
  cli = cliOn(CLI, root.root);
  accel = await detectAccel();
});

after(async () => {
  if (!root) return;
  if (failed) {
    console.error(`e2e overlays: FAILED; ${await root.keepForDebugging({ alwaysKeep: ['e2e-logs'] })}`);
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

/** Boots `name`; on failure prints the console tail and what was served. */
async function boot(t: { diagnostic(message: string): void }, server: CliServer, name: string, firmware: Firmware, run = 1): Promise<{ result: BootResult; console: string }> {
  const serialLog = join(logs, `${name}.${run}.serial.log`);
  t.diagnostic(`booting ${name} (${firmware}, run ${run}) under ${accel.accel}, load ${await loadAverage()}; serial log ${serialLog}`);
  try {
    const result = await bootNode({ name, firmware, bootUrl: SITE_SCRIPT_URL, serialLog, marker: MARKER_PREFIX, timeoutMs: BOOT_TIMEOUT_MS, accel: accel.accel });
    t.diagnostic(`${name} (${firmware}): marker after ${(result.timeToMarkerMs / 1000).toFixed(0)} s`);
    return { result, console: await readFile(serialLog, 'latin1') };
  } catch (error) {
    const console = await readFile(serialLog, 'latin1').catch(() => '(no serial output)');
    process.stderr.write(`--- serial console of ${name} (last 60 lines) ---\n${console.split('\n').slice(-60).join('\n')}\n`);
    process.stderr.write(`--- served requests ---\n${server.requests.map((r) => `${r.status} ${r.path}`).join('\n')}\n`);
    throw error;
  }
}

test('overlay e2e: one livenet image and a site overlay; three nodes with their own variables', { timeout: STEP_TIMEOUT_MS }, (t) => guarded(async () => {
  const temp = root as TempRoot;
  const httpRoot = join(temp.root, 'var', 'www', 'html');
  const tree = await ensureBootTree({ log: (line) => t.diagnostic(line) });
  const kernel = await addKernelWithInitramfs(cli, tree, httpRoot);
  t.diagnostic(`initramfs ${mib(kernel.initramfsBytes)} by \`kernel initramfs --chroot\` in ${kernel.dracutSeconds.toFixed(0)} s`);
  await cli(['livenet', 'create', 'e2e-ovl', '--kernel', kernel.kernel, '--source', `dir:${tree.treeDir}`,
    '--size', '1200M', '--password-hash', await passwordHash('diskless-e2e')]);
  await writeSiteOverlay((await temp.services()).paths.overlaysDir);
  await cli(['profile', 'add', 'e2e', '--image', 'e2e-ovl', '--overlay', 'hostname', '--overlay', SITE_OVERLAY]);
  await cli(['node', 'add', 'e2e-ovl1', '--profile', 'e2e', '--overlay', 'ssh-host-keys', '--var', 'color=red']);
  await cli(['node', 'add', 'e2e-ovl2', '--profile', 'e2e', '--var', 'color=blue']);
  await cli(['node', 'add', 'e2e-uefi1', '--profile', 'e2e', '--var', 'color=green']);
  await writeSiteScript(httpRoot);
  built = true;
}));

test('overlay e2e: two BIOS nodes boot the same image, each with its own hostname, variable and stable SSH host key', { timeout: STEP_TIMEOUT_MS }, (t) => guarded(async () => {
  assert.ok(built, 'the build step failed');
  const temp = root as TempRoot;
  // Printed before any boot: what an administrator puts in known_hosts.
  const fingerprints = (await cli(['node', 'ssh-keys', 'e2e-ovl1', '--fingerprint'])).stdout;
  const ed25519 = fingerprints.split('\n').find((line) => /ED25519/.test(line));
  assert.ok(ed25519, `no ed25519 fingerprint in: ${fingerprints}`);
  const server = await startCliServer({ cli: CLI, root: temp.root });
  try {
    const [one, two] = await Promise.all([boot(t, server, 'e2e-ovl1', 'bios'), boot(t, server, 'e2e-ovl2', 'bios')]);
    const line1 = overlayLineOf(one.console);
    const line2 = overlayLineOf(two.console);
    assert.deepEqual(line1, { color: 'red', etcHostname: 'e2e-ovl1', hostKeySha256: fingerprintHex(ed25519) });
    assert.deepEqual(line2, { color: 'blue', etcHostname: 'e2e-ovl2', hostKeySha256: 'none' });
    assert.match(one.console, /diskless-overlay: \d+ files applied/);
    const fetched = server.requests.filter((r) => r.status === 200).map((r) => r.path.replace(/\?REDACTED$/, ''));
    for (const node of ['e2e-ovl1', 'e2e-ovl2']) assert.ok(fetched.includes(`${PREFIX}/overlays/${node}.img`), `${node} never fetched its overlay`);

    // A reboot: the same host key, so no user's known_hosts breaks.
    const again = await boot(t, server, 'e2e-ovl1', 'bios', 2);
    assert.equal(overlayLineOf(again.console)?.hostKeySha256, fingerprintHex(ed25519), 'the host key changed across reboots');
  } finally {
    await server.stop();
  }
}));

test('overlay e2e: a UEFI node (OVMF + iPXE EFI) boots from the same files and gets its overlay', { timeout: STEP_TIMEOUT_MS }, (t) => guarded(async () => {
  assert.ok(built, 'the build step failed');
  const server = await startCliServer({ cli: CLI, root: (root as TempRoot).root });
  try {
    const { result, console } = await boot(t, server, 'e2e-uefi1', 'uefi');
    assert.match(result.markerLine, /up on e2e-uefi1/);
    // The EFI build of iPXE ran (not SeaBIOS's), and the kernel came up through its EFI stub.
    assert.match(console, /iPXE/);
    assert.match(console, /efi: EFI v\d/, 'the kernel booted as an EFI program (no "efi:" line: it ran under BIOS)');
    // The EFI stub found the initramfs and the overlay by the initrd= names of the tool's kernel line.
    assert.match(console, /EFI stub: Loaded initrd from command line option/);
    assert.deepEqual(overlayLineOf(console), { color: 'green', etcHostname: 'e2e-uefi1', hostKeySha256: 'none' });
  } finally {
    await server.stop();
  }
}));

test('overlay e2e: a node\'s archive with secrets is refused (403) to any address but the node\'s own', { timeout: STEP_TIMEOUT_MS }, (t) => guarded(async () => {
  assert.ok(built, 'the build step failed');
  // Under QEMU's user networking every guest reaches serve from 127.0.0.1, and a node address
  // cannot be a loopback one: the rule is shown with an address no guest here has (TEST-NET-1).
  await cli(['node', 'set', 'e2e-ovl1', '--ip', '192.0.2.11']);
  const server = await startCliServer({ cli: CLI, root: (root as TempRoot).root });
  try {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: server.port, path: `${PREFIX}/overlays/e2e-ovl1.img`, localAddress: '127.0.0.2' }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    assert.equal(status, 403, 'another address fetched the node\'s host keys');
    t.diagnostic('e2e-ovl1\'s archive from 127.0.0.2: 403');
  } finally {
    await server.stop();
  }
}));
