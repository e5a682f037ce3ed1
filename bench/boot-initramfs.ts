/**
 * Boot benchmark of the initramfs profiles: one livenet node booted through
 * the product's boot files (iPXE → node script → kernel + initramfs over
 * HTTP from `disklessset serve` → squashfs root), once with the default
 * node initramfs and once with `--full`, in one run; power-on (QEMU start)
 * to the marker a unit of the booted system prints on the console. Both
 * initramfs files are built first by `kernel initramfs --chroot` (the
 * figures of bench/initramfs.ts come along), then swapped in turn under the
 * same name, so the node fetches the same paths both times.
 *
 * Needs what the e2e tests need (docs/e2e.md): root, port 80 (leased like
 * the boot tests), QEMU. Tree: the e2e kit's (its marker unit), copied as
 * in bench-tree.ts. DISKLESS_BENCH_ROUNDS=2 boots node, full, full, node.
 * Run: npm run build && node dist/bench/boot-initramfs.js
 */
import { copyFile, mkdir, rename, rm, stat } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { run } from '../src/system/runner.js';
import { CLI } from '../test/helpers/temp-root.js';
import { ensureBootTree } from '../test/e2e/kit/os-tree.js';
import { MARKER_PREFIX } from '../test/e2e/kit/os-tree-content.js';
import { bootNode, detectAccel } from '../test/e2e/kit/qemu.js';
import { startCliServer } from '../test/e2e/kit/cli-server.js';
import { cliOn, passwordHash, SITE_SCRIPT_URL, writeSiteScript } from '../test/e2e/kit/product-steps.js';
import { findTree, treeKernelVersion } from './bench-tree.js';
import { buildWithCli, rootWithKernel, type InitramfsBuild } from './initramfs.js';

const MIB = 1024 * 1024;
const load = () => loadavg().map((value) => value.toFixed(1)).join(' ');

interface BootFigure {
  profile: 'node' | 'full';
  seconds: number;
  load: string;
}

/** The kernel's line when it starts the initramfs's first program. */
const INIT_STARTED = 'Run /init as init process';

async function main(): Promise<void> {
  await ensureBootTree({ log: (line) => console.log(`[tree] ${line}`) });
  const tree = await findTree();
  const version = await treeKernelVersion(tree);
  const reused = process.env.DISKLESS_BENCH_ROOT;
  const root = reused ?? await rootWithKernel(tree, version);
  const marker = process.env.DISKLESS_BENCH_UNTIL === 'marker' ? MARKER_PREFIX : INIT_STARTED;
  const httpRoot = join(root, 'var', 'www', 'html');
  const kernels = join(httpRoot, 'preboot_execution_environment', 'diskless', 'kernels');
  const served = join(kernels, `initramfs-kernel-${version}`);
  const kept = join(root, 'bench-initramfs');
  const logs = join(root, 'bench-logs');
  let keep = false;
  try {
    await mkdir(kept, { recursive: true });
    await mkdir(logs, { recursive: true });
    console.log(`tree ${tree}, kernel ${version}; load average at the start: ${load()}; timed until "${marker}"`);
    const builds: InitramfsBuild[] = [];
    if (!reused) {
      for (const profile of ['full', 'node'] as const) {
        builds.push(await buildWithCli(root, tree, version, profile));
        console.log(`build ${profile}: ${JSON.stringify(builds.at(-1))} (load ${load()})`);
        await copyFile(served, join(kept, profile));
      }
      const cli = cliOn(CLI, root);
      await cli(['livenet', 'create', 'bench-live', '--kernel', `vmlinuz-${version}`, '--source', `dir:${tree}`,
        '--size', '1200M', '--password-hash', await passwordHash('diskless-bench')]);
      await cli(['boot', 'set', 'bench-node1', 'bench-live']);
      await writeSiteScript(httpRoot);
    }

    const accel = (await detectAccel()).accel;
    const rounds = Number(process.env.DISKLESS_BENCH_ROUNDS ?? 1);
    const order: ('node' | 'full')[] = rounds >= 2 ? ['node', 'full', 'full', 'node'] : ['node', 'full'];
    const boots: BootFigure[] = [];
    for (const [index, profile] of order.entries()) {
      // Swapped by rename, as the product publishes: the node fetches the same URL both times.
      await copyFile(join(kept, profile), `${served}.bench`);
      await rename(`${served}.bench`, served);
      const server = await startCliServer({ cli: CLI, root });
      const before = load();
      try {
        const result = await bootNode({ name: 'bench-node1', bootUrl: SITE_SCRIPT_URL, serialLog: join(logs, `${Date.now()}-${index}-${profile}.serial.log`),
          marker, timeoutMs: 900_000, accel });
        boots.push({ profile, seconds: result.timeToMarkerMs / 1000, load: `${before} → ${load()}` });
        console.log(`boot ${profile}: ${JSON.stringify(boots.at(-1))}`);
      } catch (error) {
        keep = true;
        throw error;
      } finally {
        await server.stop();
      }
    }
    const mean = (profile: string) => {
      const mine = boots.filter((b) => b.profile === profile);
      return mine.reduce((sum, b) => sum + b.seconds, 0) / mine.length;
    };
    console.log(`accelerator ${accel}; load average at the end: ${load()}`);
    console.log(`| initramfs | size | build wall / CPU | power-on → "${marker}" (each boot) |`);
    console.log('|---|---:|---:|---:|');
    for (const profile of ['full', 'node'] as const) {
      const build = builds.find((b) => b.profile === profile);
      const each = boots.filter((b) => b.profile === profile).map((b) => `${b.seconds.toFixed(0)} s (load ${b.load})`).join(', ');
      const made = build ? `${(build.bytes / MIB).toFixed(1)} MiB ${build.compression} | ${build.wallSeconds.toFixed(0)} s / ${build.cpuSeconds.toFixed(0)} s`
        : `${(await stat(join(kept, profile))).size} bytes | (reused)`;
      console.log(`| ${profile === 'full' ? '`--full`' : 'default (node)'} | ${made} | ${each} |`);
    }
    console.log(`node initramfs boot: ${(100 * (1 - mean('node') / mean('full'))).toFixed(0)}% shorter than with --full`);
  } finally {
    if (keep || reused) console.log(`kept ${root} (serial logs in ${logs})`);
    else await rm(root, { recursive: true, force: true });
    await run(['sync']);
  }
}

await main();
