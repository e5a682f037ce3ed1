/**
 * Boot time with and without a per-node overlay, same node, same run (issue
 * 14: "the overlay must not add more than 2 s"). One livenet image is made by
 * the product's steps (`kernel add`, `kernel initramfs --chroot` with the
 * shipped dracut module, `livenet create`), and one inventory node gets the
 * built-in `hostname` overlay plus the e2e kit's site overlay (a template).
 * That node boots in QEMU (TCG, one at a time), alternately:
 * - with: the site's first script chains to the node script the product
 *   published, which names the node's archive; the image's boot file loads
 *   it as a second initrd and the dracut module copies it before switch-root;
 * - without: the site's first script chains to the script the product writes
 *   for that node when it has no published archive (`nodeScript(..., false)`,
 *   rendered here, served beside the site script): same image, same kernel
 *   line, the overlay variables cleared, so no archive is fetched. The
 *   product never leaves an inventory node without an archive (an empty
 *   overlay list gets `hostname`), and a deleted archive stops the boot by
 *   design, hence this script. Both paths skip the entry script alike.
 * Order: with, without, without, with, DISKLESS_BENCH_ROUNDS times (default 1).
 *
 * Timed from the host (power-on → marker on the console) and inside the
 * guest (on QEMU's instruction counter by default, see DEFAULT_ICOUNT_SHIFT),
 * from the kernel's console timestamps (overlay-boot-console.ts):
 * the site script adds `printk.time=1` and sends systemd's messages to the
 * kernel log, the same for both. Needs what the e2e tests need (docs/e2e.md):
 * root, port 80 (leased like the boot tests), QEMU. DISKLESS_BENCH_ROOT
 * reuses a root kept by DISKLESS_BENCH_KEEP=1 (no build).
 * Run: npm run build && node dist/bench/overlay-boot.js
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { run } from '../src/system/runner.js';
import { loadConfig } from '../src/core/config.js';
import { Paths } from '../src/core/paths.js';
import { bootUrls } from '../src/boot/ipxe/urls.js';
import { nodeScript } from '../src/boot/ipxe/node-script.js';
import { CLI } from '../test/helpers/temp-root.js';
import { ensureBootTree } from '../test/e2e/kit/os-tree.js';
import { MARKER_PREFIX } from '../test/e2e/kit/os-tree-content.js';
import { bootNode, detectAccel } from '../test/e2e/kit/qemu.js';
import { startCliServer, type ServedRequest } from '../test/e2e/kit/cli-server.js';
import { cliOn, passwordHash } from '../test/e2e/kit/product-steps.js';
import { overlayLineOf, SITE_OVERLAY, writeSiteOverlay } from '../test/e2e/kit/site-overlay.js';
import { findTree, treeKernelVersion } from './bench-tree.js';
import { bootPhases, median, TimedSerial } from './overlay-boot-console.js';
import { minus, printFigures, s, type Boot, type Variant } from './overlay-boot-table.js';
import { reportRows } from './table.js';

const NODE = 'bench-node1';
const IMAGE = 'bench-ovl';
/** Issue 14: what an overlay may add to a boot. */
const BOUND_S = 2;
/** Same for both variants: kernel timestamps on every console line, systemd's messages among them (not rate-limited). */
const KERNEL_PARAMETERS = 'printk.time=1 printk.devkmsg=on systemd.log_target=kmsg systemd.log_level=info';
/**
 * Under TCG the guest runs on QEMU's instruction counter by default (see
 * qemu.ts `icountShift`): its clock then counts the work it does, not the
 * time a loaded host keeps its vCPU waiting, and boots of one variant agree
 * to a tenth of a second where they spread by minutes without it. One vCPU
 * (two hang at SMP bring-up under it). DISKLESS_BENCH_ICOUNT=off boots as the
 * e2e tests do; another number sets the shift (2^N ns per instruction).
 */
const DEFAULT_ICOUNT_SHIFT = 1;
const load = () => loadavg().map((value) => value.toFixed(1)).join(' ');

/** The site's first script: console and kernel parameters, then the node script at `chainUrl`. */
function siteScript(chainUrl: string): string {
  return ['#!ipxe', '# what a site DHCP server hands to iPXE first (disklessset overlay boot benchmark)',
    'set eq-console console=ttyS0,115200', `set eq-kernel-parameters ${KERNEL_PARAMETERS}`, 'set dedicated-kernel-parameters',
    `chain ${chainUrl}`, ''].join('\n');
}

/** Builds the image and the node on a new root with the product's commands. */
async function build(root: string, tree: string, version: string): Promise<void> {
  const cli = cliOn(CLI, root);
  const paths = new Paths(root, (await loadConfig(root)).paths);
  await cli(['kernel', 'add', join(tree, 'boot', `vmlinuz-${version}`)]);
  let started = Date.now();
  await cli(['kernel', 'initramfs', `vmlinuz-${version}`, '--chroot', tree]);
  console.log(`kernel initramfs --chroot: ${((Date.now() - started) / 1000).toFixed(0)} s (load ${load()})`);
  started = Date.now();
  await cli(['livenet', 'create', IMAGE, '--kernel', `vmlinuz-${version}`, '--source', `dir:${tree}`, '--size', '1200M',
    '--password-hash', await passwordHash('diskless-bench')]);
  console.log(`livenet create: ${((Date.now() - started) / 1000).toFixed(0)} s (load ${load()})`);
  await writeSiteOverlay(paths.overlaysDir);
  await cli(['profile', 'add', 'bench', '--image', IMAGE, '--overlay', 'hostname', '--overlay', SITE_OVERLAY]);
  await cli(['node', 'add', NODE, '--profile', 'bench', '--var', 'color=red']);
}

/**
 * Writes both site scripts and the node script without overlay; first checks
 * that the product's published node script is `nodeScript` with the overlay,
 * so the two node scripts differ by the overlay lines alone.
 */
async function writeBootScripts(root: string): Promise<Record<Variant, string>> {
  const paths = new Paths(root, (await loadConfig(root)).paths);
  const urls = bootUrls(paths);
  const published = await readFile(join(paths.bootNodesDir, `${NODE}.ipxe`), 'utf8');
  if (published !== nodeScript(urls, NODE, IMAGE, undefined, true)) {
    throw new Error(`the published ${NODE}.ipxe is not the product's script with overlay:\n${published}`);
  }
  await writeFile(join(paths.httpRoot, `${NODE}-no-overlay.ipxe`), nodeScript(urls, NODE, IMAGE, undefined, false));
  await writeFile(join(paths.httpRoot, 'site-with.ipxe'), siteScript(`http://\${next-server}${urls.nodesPath}/${NODE}.ipxe`));
  await writeFile(join(paths.httpRoot, 'site-without.ipxe'), siteScript(`http://\${next-server}/${NODE}-no-overlay.ipxe`));
  return { with: 'http://10.0.2.2/site-with.ipxe', without: 'http://10.0.2.2/site-without.ipxe' };
}

/** Fails loudly unless the "with" boot got and applied its overlay and the "without" boot none. */
function checkDelivery(variant: Variant, console: string, requests: readonly ServedRequest[], serialLog: string): void {
  const fetched = requests.some((request) => request.path.includes(`/overlays/${NODE}.img`) && request.status === 200);
  const line = overlayLineOf(console);
  const problems = variant === 'with'
    ? [!fetched && 'the archive was never served', line?.color !== 'red' && 'no overlay line with color=red on the console',
      line?.etcHostname !== NODE && `/etc/hostname is not ${NODE}`, !/diskless-overlay: \d+ files applied/.test(console) && 'the dracut module applied nothing']
    : [fetched && 'the archive was served', line && 'the console shows the overlay line',
      !console.includes('diskless-overlay: no overlay in this initramfs') && 'the dracut module did not say it found no overlay',
      !requests.some((request) => request.path.startsWith(`/${NODE}-no-overlay.ipxe`)) && 'the node script without overlay was not fetched'];
  const failed = problems.filter(Boolean);
  if (failed.length > 0) throw new Error(`boot ${variant} overlay: ${failed.join('; ')} (serial log ${serialLog})`);
}

/** One boot of the node, timed; the server runs (and holds the port lease) for this boot only. */
async function bootOnce(root: string, variant: Variant, url: string, serialLog: string, accel: 'tcg' | 'kvm', icountShift?: number): Promise<Boot> {
  let poweredOn = Date.now();
  const requests: (ServedRequest & { atMs: number })[] = [];
  const server = await startCliServer({ cli: CLI, root, onRequest: (request) => requests.push({ ...request, atMs: Date.now() - poweredOn }) });
  const before = load();
  poweredOn = Date.now();
  const serial = new TimedSerial(serialLog, poweredOn);
  serial.start();
  let wallMs: number;
  try {
    wallMs = (await bootNode({ name: NODE, bootUrl: url, serialLog, marker: MARKER_PREFIX, timeoutMs: 1_800_000, accel, icountShift, ...(icountShift === undefined ? {} : { cpus: 1 }) })).timeToMarkerMs;
  } finally {
    await serial.stop();
    await server.stop();
  }
  checkDelivery(variant, await readFile(serialLog, 'latin1'), requests, serialLog);
  const phases = bootPhases(serial.lines);
  if (phases.markerS === undefined) throw new Error(`no timestamped start of the marker unit on the console (serial log ${serialLog})`);
  const served = new RegExp(` \\S*/overlays/${NODE}\\.img\\S* 200 \\d+ ([\\d.]+)ms`).exec(server.output());
  // iPXE prints to the screen only (none here): serve's log is the host's view of its downloads.
  const logged = (part: string) => requests.find((request) => request.path.includes(part))?.atMs;
  return {
    variant, wallS: wallMs / 1000, ...phases, load: `${before} → ${load()}`,
    overlayServeMs: served ? Number(served[1]) : undefined, overlayAfterInitramfsMs: minus(logged('/overlays/'), logged('/initramfs-')),
  };
}


async function main(): Promise<void> {
  await ensureBootTree({ log: (line) => console.log(`[tree] ${line}`) });
  const tree = await findTree();
  const version = await treeKernelVersion(tree);
  const reused = process.env.DISKLESS_BENCH_ROOT;
  const keepAsked = process.env.DISKLESS_BENCH_KEEP === '1';
  const root = reused ?? await mkdtemp('/var/tmp/disklessset-bench-overlay-boot-');
  const logs = join(root, 'bench-logs');
  const started = new Date();
  let keep = keepAsked;
  try {
    await mkdir(logs, { recursive: true });
    console.log(`${started.toISOString()}: tree ${tree}, kernel ${version}; load average at the start: ${load()}`);
    if (!reused) await build(root, tree, version);
    const urls = await writeBootScripts(root);
    const { accel, reason } = await detectAccel();
    const icount = process.env.DISKLESS_BENCH_ICOUNT ?? String(DEFAULT_ICOUNT_SHIFT);
    const icountShift = icount === 'off' || accel !== 'tcg' ? undefined : Number(icount);
    console.log(`accelerator ${accel} (${reason})${icountShift === undefined ? '' : `, instruction counter shift=${icountShift}`}`);
    const rounds = Math.max(1, Number(process.env.DISKLESS_BENCH_ROUNDS ?? 1));
    const order = Array.from({ length: rounds }, () => ['with', 'without', 'without', 'with'] as Variant[]).flat();
    const boots: Boot[] = [];
    for (const [index, variant] of order.entries()) {
      const serialLog = join(logs, `${Date.now()}-${index + 1}-${variant}.serial.log`);
      try {
        boots.push(await bootOnce(root, variant, urls[variant], serialLog, accel, icountShift));
      } catch (error) {
        keep = true;
        throw error;
      }
      console.log(`boot ${index + 1} ${variant}: ${JSON.stringify(boots.at(-1))}`);
    }
    console.log(`\n${started.toISOString().slice(0, 16).replace('T', ' ')} UTC to ${new Date().toISOString().slice(11, 16)}; `
      + `accelerator ${accel}; load average at the end: ${load()}\n`);
    const verdict = printFigures(boots, BOUND_S);
    const sign = (value: number) => (value >= 0 ? '+' : '');
    const fetches = boots.flatMap((b) => (b.overlayServeMs === undefined ? [] : [b.overlayServeMs]));
    reportRows([{
      work: 'boot with overlay vs without, same node',
      ours: `in-guest ${sign(verdict.guest)}${s(verdict.guest, 2)} (kernel start → marker unit, medians of ${boots.length / 2} + ${boots.length / 2} TCG boots; `
        + `spread ${s(verdict.spread)}, paired ${sign(verdict.paired)}${s(verdict.paired, 2)}); power-on → marker ${sign(verdict.wall)}${s(verdict.wall)}; `
        + `overlay's phases ${sign(verdict.phases)}${s(verdict.phases, 2)} (paired ${sign(verdict.phasesPaired)}${s(verdict.phasesPaired, 2)}; `
        + `in the guest ${sign(verdict.phasesGuest)}${s(verdict.phasesGuest, 2)}); `
        + `archive served in ${median(fetches).toFixed(1)} ms`,
      reference: `same node without overlay: ${s(median(boots.flatMap((b) => (b.variant === 'without' && b.markerS !== undefined ? [b.markerS] : []))), 2)} in-guest`,
      goal: `overlay adds <= ${BOUND_S} s`,
      met: verdict.met,
    }]);
  } finally {
    if (keep || reused) console.log(`kept ${root} (serial logs in ${logs})`);
    else await rm(root, { recursive: true, force: true });
    await run(['sync']);
  }
}

await main();
