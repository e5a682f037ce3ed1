/**
 * The OS tree the benchmarks build from (livenet images, initramfs files):
 * DISKLESS_BENCH_TREE, else a private copy in /var/cache/disklessset-bench/,
 * so that no other run can change the tree under a benchmark (nor bind
 * /proc, /sys and /dev into it while a benchmark's dracut runs there):
 * taken once from the e2e kit's cached Debian tree, or built with mmdebstrap.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from '../src/system/runner.js';

/** Folder of the benchmark tree, made on first use. */
export async function findTree(): Promise<string> {
  if (process.env.DISKLESS_BENCH_TREE) return process.env.DISKLESS_BENCH_TREE;
  const cache = '/var/cache/disklessset-bench';
  const tree = join(cache, 'tree');
  if (existsSync(join(cache, 'tree.done'))) return tree;
  await rm(tree, { recursive: true, force: true });
  await mkdir(cache, { recursive: true });
  const e2e = '/var/cache/disklessset-e2e';
  const cached = (await readdir(e2e).catch(() => [])).map((key) => join(e2e, key)).find((dir) => existsSync(join(dir, 'build.json')));
  if (cached) {
    await run(['cp', '-a', join(cached, 'tree'), tree], { timeoutMs: 3600_000 });
  } else {
    await run(['mmdebstrap', '--variant=minbase', '--include=linux-image-amd64,openssh-server,iproute2,procps,systemd-sysv',
      'bookworm', tree], { timeoutMs: 3600_000 });
  }
  await writeFile(join(cache, 'tree.done'), `${new Date().toISOString()}\n`);
  return tree;
}

/** The version of the one kernel in `<tree>/boot` (vmlinuz-VERSION). */
export async function treeKernelVersion(tree: string): Promise<string> {
  const kernels = (await readdir(join(tree, 'boot'))).filter((name) => name.startsWith('vmlinuz-')).sort();
  const last = kernels.at(-1);
  if (!last) throw new Error(`${tree}/boot holds no vmlinuz-VERSION`);
  return last.slice('vmlinuz-'.length);
}
