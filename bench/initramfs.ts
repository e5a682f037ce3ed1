/**
 * Initramfs build benchmark: `kernel initramfs --chroot TREE` with the
 * default node profile against `--full` (every driver of the kernel, xz:
 * the original tool's call, what the command did before), whole CLI
 * process, on the same tree, one after the other in one run. Wall time and
 * CPU time (user + system of the whole process tree, from GNU time: on a
 * machine shared with other work the CPU time moves less than the wall
 * time), size, and the compression dracut really used.
 *
 * Tree: see bench-tree.ts. DISKLESS_BENCH_ROUNDS=2 builds full, node, node,
 * full (so that a load change during the run weighs on both the same).
 * Run: npm run build && node dist/bench/initramfs.js
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { run } from '../src/system/runner.js';
import { CLI } from '../test/helpers/temp-root.js';
import { findTree, treeKernelVersion } from './bench-tree.js';
import { reportRows } from './table.js';

const MIB = 1024 * 1024;

/** One `kernel initramfs` run. */
export interface InitramfsBuild {
  profile: 'node' | 'full';
  wallSeconds: number;
  cpuSeconds: number;
  bytes: number;
  compression: string;
}

const load = () => loadavg().map((value) => value.toFixed(1)).join(' ');

/**
 * `disklessset --root ROOT kernel initramfs vmlinuz-VERSION --chroot TREE [--full]` under GNU time;
 * the kernel must already be added to ROOT.
 */
export async function buildWithCli(root: string, tree: string, version: string, profile: 'node' | 'full'): Promise<InitramfsBuild> {
  const command = [process.execPath, CLI, '--root', root, '--json', 'kernel', 'initramfs', `vmlinuz-${version}`, '--chroot', tree,
    ...(profile === 'full' ? ['--full'] : [])];
  const result = await run(['/usr/bin/time', '-f', 'TIME %e %U %S', ...command], { timeoutMs: 3600_000, env: { DISKLESS_ROOT: undefined } });
  const times = /^TIME ([\d.]+) ([\d.]+) ([\d.]+)$/m.exec(result.stderr);
  if (!times) throw new Error(`GNU time printed no figures: ${result.stderr.slice(-500)}`);
  const answer = JSON.parse(result.stdout) as { sizeBytes: number; compression: string };
  return {
    profile, wallSeconds: Number(times[1]), cpuSeconds: Number(times[2]) + Number(times[3]),
    bytes: answer.sizeBytes, compression: answer.compression,
  };
}

/** `kernel add TREE/boot/vmlinuz-VERSION` into a new root prefix. */
export async function rootWithKernel(tree: string, version: string): Promise<string> {
  const root = await mkdtemp('/var/tmp/disklessset-bench-initramfs-');
  await run([process.execPath, CLI, '--root', root, 'kernel', 'add', join(tree, 'boot', `vmlinuz-${version}`)],
    { env: { DISKLESS_ROOT: undefined } });
  return root;
}

async function main(): Promise<void> {
  const tree = await findTree();
  const version = await treeKernelVersion(tree);
  const rounds = Number(process.env.DISKLESS_BENCH_ROUNDS ?? 1);
  const order: ('node' | 'full')[] = rounds >= 2 ? ['full', 'node', 'node', 'full'] : ['full', 'node'];
  const root = await rootWithKernel(tree, version);
  try {
    console.log(`tree ${tree}, kernel ${version}; load average at the start: ${load()}`);
    const builds: InitramfsBuild[] = [];
    for (const profile of order) {
      const build = await buildWithCli(root, tree, version, profile);
      console.log(`${profile}: ${JSON.stringify(build)} (load ${load()})`);
      builds.push(build);
    }
    console.log(`load average at the end: ${load()}`);
    const mean = (profile: string, pick: (b: InitramfsBuild) => number) => {
      const mine = builds.filter((b) => b.profile === profile);
      return mine.reduce((sum, b) => sum + pick(b), 0) / mine.length;
    };
    console.log('| initramfs | compression | size | wall time | CPU time |');
    console.log('|---|---|---:|---:|---:|');
    for (const profile of ['full', 'node'] as const) {
      const one = builds.find((b) => b.profile === profile) as InitramfsBuild;
      console.log(`| ${profile === 'full' ? '`--full` (every driver, as before)' : 'default (node profile)'} | ${one.compression} | `
        + `${(mean(profile, (b) => b.bytes) / MIB).toFixed(1)} MiB | ${mean(profile, (b) => b.wallSeconds).toFixed(1)} s | ${mean(profile, (b) => b.cpuSeconds).toFixed(1)} s |`);
    }
    const ratio = (pick: (b: InitramfsBuild) => number) => (mean('full', pick) / mean('node', pick)).toFixed(1);
    console.log(`node profile: ${ratio((b) => b.bytes)}× smaller, ${ratio((b) => b.wallSeconds)}× faster (wall), ${ratio((b) => b.cpuSeconds)}× less CPU`);
    const nodeMiB = mean('node', (b) => b.bytes) / MIB;
    const faster = mean('full', (b) => b.wallSeconds) / mean('node', (b) => b.wallSeconds);
    reportRows([
      { work: 'kernel initramfs (default node profile), size', ours: `${nodeMiB.toFixed(1)} MiB`, reference: `--full ${(mean('full', (b) => b.bytes) / MIB).toFixed(1)} MiB`,
        ratio: mean('full', (b) => b.bytes) / mean('node', (b) => b.bytes), goal: '<= 30 MiB', met: nodeMiB <= 30 },
      { work: 'kernel initramfs (default node profile), build time', ours: `${mean('node', (b) => b.wallSeconds).toFixed(1)} s`,
        reference: `--full ${mean('full', (b) => b.wallSeconds).toFixed(1)} s`, ratio: faster, goal: '>= 2x faster', met: faster >= 2 },
    ]);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

if (process.argv[1]?.endsWith('/bench/initramfs.js')) await main();
