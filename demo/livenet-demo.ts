/**
 * `npm run demo`: the livenet path of disklessset, end to end, on this
 * machine. Builds (or reuses) a small Debian OS tree, then with our CLI in a
 * throw-away root prefix: kernel add, kernel initramfs --chroot, livenet
 * create, boot set, serve; then network-boots a QEMU node from it and shows
 * its serial console live until the node is up. Everything is stopped and
 * the root prefix removed at the end (kept with --keep), also on Ctrl-C.
 */
import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureBootTree } from '../test/e2e/kit/os-tree.js';
import { MARKER_PREFIX } from '../test/e2e/kit/os-tree-content.js';
import { bootNode, detectAccel } from '../test/e2e/kit/qemu.js';
import { startCliServer, type CliServer } from '../test/e2e/kit/cli-server.js';
import { followFile } from '../test/e2e/kit/serial-tail.js';
import { removeTreeSafely } from '../test/e2e/kit/chroot.js';
import { addKernelWithInitramfs, cliOn, loadAverage, passwordHash, SITE_SCRIPT_URL, writeSiteScript } from '../test/e2e/kit/product-steps.js';
import { directorySize, mib } from '../test/e2e/kit/sizes.js';
import { keepForDebugging } from '../test/helpers/temp-root.js';

const CLI = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'bundle', 'disklessset.js');
const NODE = 'demo-node1';
const IMAGE = 'demo-live';
const PASSWORD = 'diskless-demo';
const BOOT_TIMEOUT_MS = Number(process.env.DISKLESS_E2E_BOOT_TIMEOUT_S ?? 900) * 1000;

const say = (text: string) => process.stdout.write(`\x1b[1m[demo]\x1b[0m ${text}\n`);
const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(0)} s`;

async function main(): Promise<number> {
  const keep = process.argv.includes('--keep');
  if (process.getuid?.() !== 0) {
    say('needs root (chroot for dracut, loop-free image build, HTTP on port 80): run it with sudo');
    return 2;
  }
  // Ctrl-C: abort whatever is running; the finally blocks stop QEMU and the server and clean up.
  const stop = new AbortController();
  process.on('SIGINT', () => { say('Ctrl-C: stopping'); stop.abort(); });
  process.on('SIGTERM', () => stop.abort());

  const accel = await detectAccel();
  say(`QEMU accelerator: ${accel.accel} (${accel.reason})`);
  let started = Date.now();
  const tree = await ensureBootTree({ log: (line) => say(`tree: ${line}`) });
  say(`OS tree ${tree.treeDir} (Debian, kernel ${tree.kernelVersion}, ${mib(tree.record.treeBytes)}), ready in ${seconds(started)}`);

  const root = await mkdtemp(join(tmpdir(), 'disklessset-demo-'));
  const httpRoot = join(root, 'var', 'www', 'html');
  const diskless = join(httpRoot, 'preboot_execution_environment', 'diskless');
  const logs = join(root, 'demo-logs');
  await mkdir(logs, { recursive: true });
  const cli = cliOn(CLI, root, undefined, stop.signal);
  say(`root prefix (stands for / for every disklessset path): ${root}`);
  let server: CliServer | undefined;
  let failed = false;
  try {
    started = Date.now();
    say(`disklessset kernel add ${tree.kernelPath}; disklessset kernel initramfs vmlinuz-${tree.kernelVersion} --chroot ${tree.treeDir}`);
    const kernel = await addKernelWithInitramfs(cli, tree, httpRoot);
    say(`initramfs ${mib(kernel.initramfsBytes)} by dracut in the tree, ${kernel.dracutSeconds.toFixed(0)} s (load ${await loadAverage()})`);
    if (stop.signal.aborted) return 130;

    started = Date.now();
    say(`disklessset livenet create ${IMAGE} --kernel ${kernel.kernel} --source dir:${tree.treeDir} --size 1200M --password-hash ...`);
    await cli(['livenet', 'create', IMAGE, '--kernel', kernel.kernel, '--source', `dir:${tree.treeDir}`, '--size', '1200M',
      '--password-hash', await passwordHash(PASSWORD)]);
    const imageDir = join(diskless, 'images', IMAGE);
    say(`image built in ${seconds(started)} (load ${await loadAverage()}): ${imageDir} holds ${mib(await directorySize(imageDir))}`);
    await cli(['boot', 'set', NODE, IMAGE]);
    await writeSiteScript(httpRoot);
    if (stop.signal.aborted) return 130;

    server = await startCliServer({ cli: CLI, root, onRequest: (r) => say(`http: ${r.method} ${r.path} ${r.status} ${mib(r.bytes)}`) });
    say('boot files:');
    say(`  site script (what DHCP hands to iPXE): ${join(httpRoot, 'site.ipxe')}`);
    say(`  entry script: ${join(diskless, 'boot.ipxe')}`);
    say(`  node script:  ${join(diskless, 'nodes', `${NODE}.ipxe`)}`);
    say(`  image:        ${join(imageDir, 'boot.ipxe')}, ${join(imageDir, 'squashfs.img')}`);
    say(`served at http://127.0.0.1/preboot_execution_environment/diskless/boot.ipxe (the node sees the host as 10.0.2.2)`);

    const serialLog = join(logs, `${NODE}.serial.log`);
    say(`booting QEMU node ${NODE} over iPXE (serial log ${serialLog}); its console follows. Ctrl-C stops everything.`);
    const following = new AbortController();
    const follow = followFile(serialLog, (chunk) => process.stdout.write(chunk), following.signal);
    started = Date.now();
    try {
      const result = await bootNode({ name: NODE, bootUrl: SITE_SCRIPT_URL, serialLog, marker: MARKER_PREFIX, timeoutMs: BOOT_TIMEOUT_MS,
        accel: accel.accel, signal: stop.signal });
      following.abort();
      await follow;
      process.stdout.write('\n');
      say(`node up: "${result.markerLine.trim()}" ${(result.timeToMarkerMs / 1000).toFixed(0)} s after QEMU started (load ${await loadAverage()})`);
      say(`root password of the image: ${PASSWORD}`);
    } finally {
      following.abort();
      await follow;
    }
    return 0;
  } catch (error) {
    if (stop.signal.aborted) return 130;
    failed = true;
    const hint = (error as { hint?: string }).hint;
    say(`FAILED: ${(error as Error).message}${hint ? `\n${hint}` : ''}`);
    return 1;
  } finally {
    if (server) {
      await server.stop();
      say('server stopped');
    }
    if (keep) {
      say(`kept: ${root} (remove it with: rm -r ${root})`);
    } else if (failed) {
      // Unasked, a failed run keeps its root only when small (it holds a 1200M image); the logs stay either way.
      say(`${await keepForDebugging(root, { alwaysKeep: ['demo-logs'] })}; serial log in ${logs}`);
    } else {
      await removeTreeSafely(root);
      say(`removed ${root} (pass --keep to keep it); the cached OS tree stays in ${dirname(tree.treeDir)}`);
    }
  }
}

main().then((code) => { process.exitCode = code; }, (error: unknown) => {
  process.stderr.write(`demo failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
