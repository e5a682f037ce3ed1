/**
 * `image diff` benchmark: `disklessset image diff A B --json` (whole process)
 * on two livenet images, against what an administrator would run by hand for
 * the same answer: `unsquashfs -lln` of both images plus `diff` of the
 * listings, and `unsquashfs -cat` of both dpkg status files plus `diff`
 * (whole processes, summed).
 *
 * Images: a busybox tree plus DIFF_BENCH_MIB (default 700; 100 in QUICK
 * mode) MiB of random 1 MiB files (incompressible) and a dpkg status of 300
 * packages; the second tree is a copy with 3 packages added, removed or
 * changed, 3 files added, 2 removed and 1 changed. Flat layout, zstd.
 * Also timed: the content manifest a publication writes of one tree (every
 * file hashed, modules/livenet/manifest.ts), the cost `image diff` moves to
 * publication so that it sees content changes.
 * Run: npx tsc -p . && node dist/bench/image-diff.js
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../src/system/runner.js';
import { Paths } from '../src/core/paths.js';
import { addDummyKernel, makeBusyboxTree, TEST_KERNEL } from '../test/helpers/livenet-fixtures.js';
import { CLI } from '../test/helpers/temp-root.js';
import { QUICK, reportRows, seconds } from './table.js';
import { writeManifest } from '../src/modules/livenet/manifest.js';

const MIB = 1024 * 1024;
const HOUR = 3600_000;

function dpkgStatus(packages: ReadonlyMap<string, string>): string {
  return [...packages].map(([name, version]) => `Package: ${name}\nStatus: install ok installed\nArchitecture: amd64\nVersion: ${version}\n`).join('\n');
}

async function timed(action: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  await action();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

async function makeTrees(dir: string, mib: number): Promise<[string, string]> {
  const a = await makeBusyboxTree(dir);
  const packages = new Map(Array.from({ length: 300 }, (_, i) => [`pkg${i}`, `1.${i}-1`]));
  await mkdir(join(a, 'var', 'lib', 'dpkg'), { recursive: true });
  await writeFile(join(a, 'var', 'lib', 'dpkg', 'status'), dpkgStatus(packages));
  for (let i = 0; i < mib; i += 1) {
    const folder = join(a, 'usr', 'share', 'data', String(Math.floor(i / 50)));
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, `blob-${i}`), randomBytes(MIB));
  }
  const b = join(dir, 'tree-b');
  await run(['cp', '-a', a, b], { timeoutMs: HOUR });
  packages.delete('pkg1');
  packages.set('pkg2', '2.0-1');
  packages.set('newpkg', '0.1-1');
  await writeFile(join(b, 'var', 'lib', 'dpkg', 'status'), dpkgStatus(packages));
  for (const name of ['added-1', 'added-2', 'added-3']) await writeFile(join(b, 'usr', 'share', 'data', name), randomBytes(MIB));
  await rm(join(b, 'usr', 'share', 'data', '0', 'blob-0'));
  await rm(join(b, 'usr', 'share', 'data', '0', 'blob-1'));
  await writeFile(join(b, 'usr', 'share', 'data', '0', 'blob-2'), randomBytes(2 * MIB));
  return [a, b];
}

async function main(): Promise<void> {
  const mib = Number(process.env.DIFF_BENCH_MIB ?? (QUICK ? 100 : 700));
  const dir = await mkdtemp(join(tmpdir(), 'diff-bench-'));
  try {
    const [a, b] = await makeTrees(dir, mib);
    const manifestMs = await timed(() => writeManifest(a, join(dir, 'manifest.tsv')));
    const root = join(dir, 'root');
    await mkdir(root);
    const paths = new Paths(root);
    await addDummyKernel(paths.kernelsDir);
    for (const [name, tree] of [['a', a], ['b', b]] as const) {
      await run([process.execPath, CLI, '--root', root, 'livenet', 'create', name, '--kernel', TEST_KERNEL, '--layout', 'flat',
        '--password-hash', '!', '--source', `dir:${tree}`], { timeoutMs: HOUR });
    }
    await rm(a, { recursive: true, force: true });
    await rm(b, { recursive: true, force: true });
    let answer = '';
    const ours = await timed(async () => {
      answer = (await run([process.execPath, CLI, '--root', root, '--json', 'image', 'diff', 'a', 'b'], { timeoutMs: HOUR, maxBuffer: 1 << 28 })).stdout;
    });
    const diff = JSON.parse(answer) as { packages: { added: unknown[]; removed: unknown[]; changed: unknown[] }; files: { addedCount: number; changedCount: number };
      filesComparedBy: string };
    if (diff.filesComparedBy !== 'manifest') throw new Error(`files compared by ${diff.filesComparedBy}, not by the manifests`);
    if (diff.packages.added.length !== 1 || diff.packages.removed.length !== 1 || diff.packages.changed.length !== 1) {
      throw new Error(`unexpected package diff: ${JSON.stringify(diff.packages)}`);
    }
    const image = (name: string) => join(paths.imageDir(name), 'squashfs.img');
    const byHand = await timed(async () => {
      for (const name of ['a', 'b']) {
        // What a shell's `> FILE` would do, without a shell.
        await writeFile(join(dir, `${name}.list`), (await run(['unsquashfs', '-lln', image(name)], { timeoutMs: HOUR, maxBuffer: 1 << 28 })).stdout);
        await writeFile(join(dir, `${name}.status`), (await run(['unsquashfs', '-cat', image(name), 'var/lib/dpkg/status'], { timeoutMs: HOUR, maxBuffer: 1 << 28 })).stdout);
      }
      await run(['diff', join(dir, 'a.list'), join(dir, 'b.list')], { allowFailure: true, timeoutMs: HOUR, maxBuffer: 1 << 28 });
      await run(['diff', join(dir, 'a.status'), join(dir, 'b.status')], { allowFailure: true, timeoutMs: HOUR, maxBuffer: 1 << 28 });
    });
    console.log(`image diff of two ${mib} MiB images: ours ${seconds(ours)}, by hand ${seconds(byHand)}; files added ${diff.files.addedCount}, changed ${diff.files.changedCount}`);
    console.log(`content manifest of one ${mib} MiB tree (at publication): ${seconds(manifestMs)}`);
    reportRows([{
      work: `image diff, two flat images of ${mib} MiB`, ours: seconds(ours),
      reference: `unsquashfs -lln + -cat x2, diff ${seconds(byHand)}`, ratio: byHand / ours, goal: '< 10 s', met: ours < 10_000,
    }]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
