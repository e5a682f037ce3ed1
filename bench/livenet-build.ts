/**
 * Livenet build benchmark: the original's pipeline (dd, mkfs.xfs, loop
 * mount, cp -a, mksquashfs with its default gzip) against ours (mkfs.ext4 -d,
 * mksquashfs zstd on every core), on the same OS tree, side by side.
 *
 * Tree: DISKLESS_BENCH_TREE, else a private copy in /var/cache/disklessset-bench/
 * (taken once from the e2e kit's cached Debian tree, or built with mmdebstrap).
 * Run: npx tsc -p . && node dist/bench/livenet-build.js
 * Quick size (`npm run bench`): the tree's usr/share only (about 90 MiB of many small files).
 */
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from '../src/system/runner.js';
import { makeRootfs } from '../src/modules/livenet/rootfs.js';
import { makeSquashfs } from '../src/modules/livenet/squashfs.js';
import type { Compression } from '../src/modules/livenet/options.js';
import { QUICK, reportRows } from './table.js';
import { findTree } from './bench-tree.js';

const MIB = 1024 * 1024;

async function timed(action: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  await action();
  return Number(process.hrtime.bigint() - started) / 1e9;
}

async function original(tree: string, work: string, sizeMiB: number): Promise<{ seconds: number; bytes: number }> {
  const live = join(work, 'orig', 'live');
  const rootfs = join(live, 'LiveOS', 'rootfs.img');
  const mnt = join(work, 'orig', 'mnt');
  const output = join(work, 'orig.squashfs.img');
  await mkdir(join(live, 'LiveOS'), { recursive: true });
  await mkdir(mnt, { recursive: true });
  const seconds = await timed(async () => {
    await run(['dd', 'if=/dev/zero', `of=${rootfs}`, 'bs=1M', `count=${sizeMiB}`, 'status=none']);
    await run(['mkfs.xfs', '-q', rootfs]);
    await run(['mount', '-o', 'loop', rootfs, mnt]);
    try {
      await run(['cp', '-a', `${tree}/.`, mnt], { timeoutMs: 3600_000 });
    } finally {
      await run(['umount', mnt]);
    }
    await run(['mksquashfs', live, output, '-noappend', '-no-progress', '-quiet'], { timeoutMs: 3600_000 });
  });
  return { seconds, bytes: (await stat(output)).size };
}

async function ours(tree: string, work: string, sizeMiB: number, compression: Compression): Promise<{ seconds: number; bytes: number }> {
  const live = join(work, `ours-${compression}`);
  const output = join(work, `ours-${compression}.squashfs.img`);
  await mkdir(join(live, 'LiveOS'), { recursive: true });
  const seconds = await timed(async () => {
    await makeRootfs(tree, join(live, 'LiveOS', 'rootfs.img'), sizeMiB);
    await makeSquashfs(live, output, compression);
  });
  return { seconds, bytes: (await stat(output)).size };
}

const fullTree = await findTree();
const tree = QUICK ? join(fullTree, 'usr', 'share') : fullTree;
const treeBytes = Number((await run(['du', '-sb', tree])).stdout.split(/\s/)[0]);
// At least 300 MiB: mkfs.xfs (xfsprogs 6) refuses smaller file systems, which the quick tree would ask for.
const sizeMiB = Math.max(300, Math.ceil((treeBytes * 1.6) / MIB / 100) * 100);
const work = await mkdtemp('/var/tmp/disklessset-bench-livenet-');
try {
  console.log(`tree ${tree}: ${(treeBytes / MIB).toFixed(0)} MiB; rootfs.img ${sizeMiB} MiB; ${(await import('node:os')).availableParallelism()} cores`);
  await run(['sync']);
  const rows: [string, { seconds: number; bytes: number }][] = [];
  rows.push(['original: dd + mkfs.xfs + loop mount + cp -a + mksquashfs (gzip)', await original(tree, work, sizeMiB)]);
  console.log(`original done: ${JSON.stringify(rows[0]?.[1])}`);
  await run(['sync']);
  rows.push(['disklessset: mkfs.ext4 -d + mksquashfs zstd -Xcompression-level 8', await ours(tree, work, sizeMiB, 'zstd')]);
  const base = rows[0]?.[1];
  console.log(`load average at the end: ${(await import('node:os')).loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  console.log('| pipeline | wall time | squashfs.img | speed-up |');
  console.log('|---|---:|---:|---:|');
  for (const [label, result] of rows) {
    const speedUp = base ? (base.seconds / result.seconds).toFixed(1) : '-';
    console.log(`| ${label} | ${result.seconds.toFixed(1)} s | ${(result.bytes / MIB).toFixed(0)} MiB | ${speedUp}× |`);
  }
  const mine = rows[1]?.[1];
  if (base && mine) {
    reportRows([{
      work: `livenet build, ${(treeBytes / MIB).toFixed(0)} MiB tree to squashfs.img`, ours: `${mine.seconds.toFixed(1)} s, ${(mine.bytes / MIB).toFixed(0)} MiB`,
      reference: `original pipeline ${base.seconds.toFixed(1)} s, ${(base.bytes / MIB).toFixed(0)} MiB`,
      ratio: base.seconds / mine.seconds, goal: '>= 5x, not larger', met: base.seconds / mine.seconds >= 5 && mine.bytes <= base.bytes,
    }]);
  }
} finally {
  await run(['umount', join(work, 'orig', 'mnt')], { allowFailure: true });
  await rm(work, { recursive: true, force: true });
}
