/**
 * OCI import benchmark: `disklessset livenet create --source docker://...`
 * from a local registry (whole process), against what an administrator would
 * run by hand for the same result: `skopeo copy` into a layout, `umoci
 * unpack`, then `disklessset livenet create --source dir:ROOTFS` (whole
 * processes, summed).
 *
 * Image: a busybox tree plus OCI_BENCH_MIB (default 300) MiB of random files
 * (1 MiB each, incompressible), one layer, pushed to a docker-registry on
 * 127.0.0.1 with its storage in a temporary folder. Flat layout, zstd.
 * Run: npx tsc -p . && node dist/bench/oci-import.js
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../src/system/runner.js';
import { Paths } from '../src/core/paths.js';
import { addDummyKernel, TEST_KERNEL } from '../test/helpers/livenet-fixtures.js';
import { startBusyboxBundle, startRegistry } from '../test/helpers/oci-registry.js';
import { CLI } from '../test/helpers/temp-root.js';
import { reportRows } from './table.js';

const MIB = 1024 * 1024;

async function timed(action: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  await action();
  return Number(process.hrtime.bigint() - started) / 1e9;
}

async function makeImage(dir: string, mib: number): Promise<string> {
  const { layout, bundle } = await startBusyboxBundle(dir);
  for (let i = 0; i < mib; i += 1) {
    const folder = join(bundle, 'rootfs', 'usr', 'share', 'data', String(Math.floor(i / 50)));
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, `blob-${i}`), randomBytes(MIB));
  }
  await run(['umoci', 'repack', '--image', `${layout}:1`, bundle], { timeoutMs: 3600_000 });
  await rm(bundle, { recursive: true, force: true });
  return layout;
}

async function cli(root: string, args: string[]): Promise<void> {
  await run([process.execPath, CLI, '--root', root, ...args], { timeoutMs: 3600_000 });
}

async function main(): Promise<void> {
  const mib = Number(process.env.OCI_BENCH_MIB ?? 300);
  const dir = await mkdtemp(join(tmpdir(), 'oci-bench-'));
  const registry = await startRegistry(join(dir, 'registry'));
  try {
    const layout = await makeImage(join(dir, 'image'), mib);
    const reference = `docker://${registry.host}/bench/big:1`;
    await run(['skopeo', 'copy', '--dest-tls-verify=false', `oci:${layout}:1`, reference], { timeoutMs: 3600_000 });
    const common = ['--kernel', TEST_KERNEL, '--layout', 'flat', '--password-hash', '!'];
    const ours = join(dir, 'root-ours');
    await mkdir(ours);
    await addDummyKernel(new Paths(ours).kernelsDir);
    const byHand = join(dir, 'root-hand');
    await mkdir(byHand);
    await addDummyKernel(new Paths(byHand).kernelsDir);

    const oursSeconds = await timed(() => cli(ours, ['livenet', 'create', 'big', ...common, '--source', reference, '--tls-verify=false']));
    const pulled = join(dir, 'pulled');
    const copySeconds = await timed(() => run(['skopeo', 'copy', '--src-tls-verify=false', reference, `oci:${pulled}:1`], { timeoutMs: 3600_000 }));
    const unpackSeconds = await timed(() => run(['umoci', 'unpack', '--image', `${pulled}:1`, join(dir, 'bundle')], { timeoutMs: 3600_000 }));
    const buildSeconds = await timed(() => cli(byHand, ['livenet', 'create', 'big', ...common, '--source', `dir:${join(dir, 'bundle', 'rootfs')}`]));
    const handSeconds = copySeconds + unpackSeconds + buildSeconds;
    const layoutBytes = Number((await run(['du', '-sb', layout])).stdout.split(/\s/)[0]);
    process.stdout.write(`image: ${mib} MiB of random files + busybox tree, layout ${(layoutBytes / MIB).toFixed(0)} MiB\n`);
    process.stdout.write(`disklessset livenet create --source docker://: ${oursSeconds.toFixed(1)} s\n`);
    process.stdout.write(`by hand: skopeo copy ${copySeconds.toFixed(1)} s + umoci unpack ${unpackSeconds.toFixed(1)} s + livenet create --source dir: ${buildSeconds.toFixed(1)} s = ${handSeconds.toFixed(1)} s\n`);
    process.stdout.write(`ratio: ${(oursSeconds / handSeconds).toFixed(3)}\n`);
    reportRows([{
      work: `OCI import of ${(layoutBytes / MIB).toFixed(0)} MiB from a local registry, whole process`, ours: `${oursSeconds.toFixed(1)} s`,
      reference: `skopeo copy + umoci unpack + build ${handSeconds.toFixed(1)} s`, ratio: handSeconds / oursSeconds,
      goal: 'within 10% of the sum', met: oursSeconds <= handSeconds * 1.1,
    }]);
  } finally {
    await registry.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
