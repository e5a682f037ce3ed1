/**
 * NFS golden image with 1,000 nodes on XFS with reflink: time and extra disk
 * of `disklessset nfs nodes add` against the original's one `cp -a` per node.
 *
 * Everything happens on a loop file system in /var/tmp (made here, removed at
 * the end); the tool's root prefix lives inside it. `cp -a` is timed for
 * COPIES copies and extrapolated to NODES (linear: each copy is the same work).
 *
 *   node dist/bench/nfs-nodes.js [NODES=1000] [COPIES=20]
 *
 * The loop file system is dropped whole at the end (deleting 1,000 trees file by file is not measured).
 */
import { mkdir, mkdtemp, rm, statfs, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { openServices } from '../src/services/services.js';
import { run } from '../src/system/runner.js';
import { mount, unmountTree } from '../src/system/mount.js';
import { addGoldenNodes } from '../src/modules/nfs/golden-nodes.js';
import { sha512Crypt } from '../src/core/os/password.js';
import { reportRows } from './table.js';

const NODES = Number(process.argv[2] ?? 1000);
const COPIES = Number(process.argv[3] ?? 20);
/** Size of the golden tree (NFS_BENCH_GIB, default 1.05 GiB; `npm run bench` uses a smaller one). */
const TREE_GIB = Number(process.env.NFS_BENCH_GIB ?? 1.05);
const GiB = 1024 ** 3;

/** Bytes in use on the file system holding `dir`. */
async function usedBytes(dir: string): Promise<number> {
  await run(['sync', '--file-system', dir]);
  const s = await statfs(dir);
  return (s.blocks - s.bfree) * s.bsize;
}

/** An OS-like tree: many small files in nested folders plus a few large ones, `bytes` in all. */
async function makeTree(dir: string, bytes: number): Promise<{ files: number; bytes: number }> {
  let files = 0;
  let written = 0;
  for (let d = 0; d < 80; d += 1) {
    const sub = join(dir, 'usr', `lib${d % 10}`, `pkg${d}`);
    await mkdir(sub, { recursive: true });
    for (let f = 0; f < 50; f += 1) {
      const size = 512 + ((d * 61 + f * 977) % 48) * 1024;
      await writeFile(join(sub, `file${f}.so`), randomBytes(size));
      files += 1;
      written += size;
    }
  }
  await mkdir(join(dir, 'opt', 'data'), { recursive: true });
  const chunk = 32 * 1024 * 1024;
  for (let i = 0; written < bytes; i += 1) {
    await writeFile(join(dir, 'opt', 'data', `blob${i}.bin`), randomBytes(chunk));
    files += 1;
    written += chunk;
  }
  for (const name of ['etc', 'var/log', 'root', 'tmp']) await mkdir(join(dir, name), { recursive: true });
  await writeFile(join(dir, 'etc', 'shadow'), 'root:*:19000:0:99999:7:::\n', { mode: 0o640 });
  files += 1;
  return { files, bytes: written };
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(1);
}

async function main(): Promise<void> {
  const base = await mkdtemp('/var/tmp/disklessset-bench-nfs-');
  const imageFile = join(base, 'xfs.img');
  const mnt = join(base, 'mnt');
  await mkdir(mnt);
  try {
    // Sparse backing file: big enough for the image, COPIES full copies and the node trees' metadata.
    await run(['truncate', '-s', '120G', imageFile]);
    await run(['mkfs.xfs', '-q', '-f', '-m', 'reflink=1', imageFile]);
    await mount(['-o', 'loop', imageFile, mnt]);
    const root = join(mnt, 'root');
    const services = await openServices({ root });
    await services.images.ensureLayout();
    await writeFile(join(services.paths.kernelsDir, 'vmlinuz-6.1.0-bench'), 'kernel');
    await writeFile(join(services.paths.kernelsDir, 'initramfs-kernel-6.1.0-bench'), 'initramfs');
    const source = join(mnt, 'source-tree');
    const tree = await makeTree(source, TREE_GIB * GiB);
    console.log(`golden tree: ${tree.files} files, ${(tree.bytes / GiB).toFixed(2)} GiB`);
    await services.images.create('NfsStagingImage', 'bench-staging', {
      kernel: 'vmlinuz-6.1.0-bench', source: { kind: 'dir', path: source }, type: 'core', packages: [],
      passwordHash: sha512Crypt('bench'), selinux: false, optimize: false,
    });
    await rm(source, { recursive: true });
    await services.images.create('NfsGoldenImage', 'bench-golden', { from: 'bench-staging' });
    const imageTree = join(services.paths.goldenDir, 'bench-golden', 'image');

    // Baseline: the original's `cp -a` per node, one after the other. Coreutils 9 clones by default
    // where it can; the original ran on EL8's coreutils 8, which copies data: --reflink=never.
    const copiesDir = join(mnt, 'cp-baseline');
    await mkdir(copiesDir);
    const beforeCopies = await usedBytes(mnt);
    const copyStart = performance.now();
    for (let i = 0; i < COPIES; i += 1) await run(['cp', '-a', '--reflink=never', imageTree, join(copiesDir, `node${i}`)]);
    await run(['sync', '--file-system', mnt]);
    const copyMs = performance.now() - copyStart;
    const copyBytes = (await usedBytes(mnt)) - beforeCopies;
    await rm(copiesDir, { recursive: true });
    console.log(`cp -a --reflink=never x${COPIES}: ${seconds(copyMs)} s, ${(copyBytes / GiB).toFixed(2)} GiB`);

    // disklessset: every node at once, reflink copies in parallel.
    const beforeNodes = await usedBytes(mnt);
    const start = performance.now();
    let mode = '';
    let shown = 0;
    const result = await addGoldenNodes(services, 'bench-golden', `node[0001-${String(NODES).padStart(4, '0')}]`, {
      progress: (event) => {
        if (event.type === 'log') mode = event.message;
        if (event.type === 'progress' && event.done >= shown + 100) {
          shown = event.done;
          console.log(`  ${event.done}/${event.total} nodes, ${seconds(performance.now() - start)} s`);
        }
      },
    });
    const toolMs = performance.now() - start;
    const toolBytes = (await usedBytes(mnt)) - beforeNodes;
    const fullMs = (copyMs / COPIES) * NODES;
    const fullBytes = (copyBytes / COPIES) * NODES;
    console.log(mode);
    console.log(`nodes add x${NODES} (${result.mode}, ${result.jobs} jobs): ${seconds(toolMs)} s, ${(toolBytes / GiB).toFixed(2)} GiB`);
    console.log(`cp -a --reflink=never x${NODES} (extrapolated from ${COPIES}): ${seconds(fullMs)} s, ${(fullBytes / GiB).toFixed(1)} GiB`);
    console.log(`speed-up: ${(fullMs / toolMs).toFixed(1)}x; disk: ${((toolBytes / fullBytes) * 100).toFixed(2)}% of full copies`);
    const diskShare = (toolBytes / fullBytes) * 100;
    reportRows([{
      work: `nfs nodes add, ${NODES} node trees of a ${(tree.bytes / GiB).toFixed(2)} GiB golden image`,
      ours: `${seconds(toolMs)} s, ${diskShare.toFixed(2)}% of the disk`, reference: `cp -a per node ${seconds(fullMs)} s (extrapolated)`,
      ratio: fullMs / toolMs, goal: '>= 10x, < 5% of the disk', met: fullMs / toolMs >= 10 && diskShare < 5,
    }]);
  } finally {
    await unmountTree(mnt);
    await rm(base, { recursive: true, force: true });
  }
}

await main();
