/**
 * Container-image fixtures: a real registry (Debian's docker-registry, the
 * reference distribution server) on 127.0.0.1 with its storage in a temporary
 * folder, and a tiny OS image built with umoci in two layers, the second
 * deleting a file (a whiteout), with a file owned by uid 1234 carrying a
 * user.* extended attribute.
 */
import { createServer } from 'node:net';
import { chown, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { spawn, type ChildProcess } from 'node:child_process';
import { run } from '../../src/system/runner.js';
import { makeBusyboxTree } from './livenet-fixtures.js';

/** A running registry. */
export interface Registry {
  /** `127.0.0.1:PORT`. */
  host: string;
  stop(): Promise<void>;
}

/** A port nothing listens on at the time of the call (taken then released). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

async function answers(host: string): Promise<boolean> {
  try {
    return (await fetch(`http://${host}/v2/`)).status === 200;
  } catch {
    return false;
  }
}

/** Starts docker-registry with its storage and configuration in `dir`; resolves once /v2/ answers. */
export async function startRegistry(dir: string): Promise<Registry> {
  const host = `127.0.0.1:${await freePort()}`;
  await mkdir(join(dir, 'storage'), { recursive: true });
  const config = join(dir, 'registry.yml');
  await writeFile(config, [
    'version: 0.1', 'log:', '  level: error', 'storage:', '  filesystem:', `    rootdirectory: ${join(dir, 'storage')}`,
    'http:', `  addr: ${host}`, '',
  ].join('\n'));
  const child: ChildProcess = spawn('docker-registry', ['serve', config], { stdio: 'ignore' });
  let exited = false;
  child.on('exit', () => { exited = true; });
  // Readiness is polled, not timed: the loop ends on the first answer, or when the process dies.
  for (let i = 0; i < 3000 && !exited && !(await answers(host)); i += 1) await sleep(20);
  if (exited || !(await answers(host))) {
    child.kill('SIGKILL');
    throw new Error(`docker-registry did not start on ${host}`);
  }
  return {
    host,
    stop: async () => {
      if (exited) return;
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await gone;
    },
  };
}

/** Whether the file system of `dir` keeps user.* extended attributes. */
export async function userXattrsWork(dir: string): Promise<boolean> {
  const probe = join(dir, '.xattr-probe');
  await writeFile(probe, '');
  const result = await run(['setfattr', '-n', 'user.probe', '-v', '1', probe], { allowFailure: true });
  await rm(probe, { force: true });
  return result.exitCode === 0;
}

/** What the tiny image holds. */
export const TINY = {
  /** Written by the first layer, deleted by the second (a whiteout). */
  deleted: 'etc/deleted-later',
  /** Owned by 1234:1234 with user.origin=layer1 (when the file system keeps it). */
  owned: 'etc/owned-by-1234',
  /** Added by the second layer. */
  added: 'etc/added-by-layer2',
  uid: 1234,
} as const;

/**
 * An empty OCI layout `dir/layout:1` and its unpacked bundle `dir/bundle`
 * whose rootfs holds a busybox tree: the start of every test image (`umoci
 * repack` then makes each layer).
 */
export async function startBusyboxBundle(dir: string): Promise<{ layout: string; bundle: string }> {
  const layout = join(dir, 'layout');
  const bundle = join(dir, 'bundle');
  await run(['umoci', 'init', '--layout', layout]);
  await run(['umoci', 'new', '--image', `${layout}:1`]);
  await run(['umoci', 'unpack', '--image', `${layout}:1`, bundle]);
  const tree = await makeBusyboxTree(dir);
  await run(['cp', '-a', `${tree}/.`, join(bundle, 'rootfs')]);
  await rm(tree, { recursive: true, force: true });
  return { layout, bundle };
}

/**
 * Builds an OCI layout `DIR:TAG` in `dir/layout` (tag `1`) from a busybox
 * tree: layer one adds every file, layer two deletes `TINY.deleted` and adds
 * `TINY.added`. Returns the layout folder.
 */
export async function makeTinyLayout(dir: string, withXattr: boolean): Promise<string> {
  const { layout, bundle } = await startBusyboxBundle(dir);
  const rootfs = join(bundle, 'rootfs');
  await writeFile(join(rootfs, TINY.deleted), 'gone in layer 2\n');
  await writeFile(join(rootfs, TINY.owned), 'owned\n');
  await chown(join(rootfs, TINY.owned), TINY.uid, TINY.uid);
  if (withXattr) await run(['setfattr', '-n', 'user.origin', '-v', 'layer1', join(rootfs, TINY.owned)]);
  await run(['umoci', 'repack', '--image', `${layout}:1`, bundle]);
  await rm(join(rootfs, TINY.deleted));
  await writeFile(join(rootfs, TINY.added), 'layer 2\n');
  await run(['umoci', 'repack', '--image', `${layout}:1`, bundle]);
  await rm(bundle, { recursive: true, force: true });
  return layout;
}

/** Copies `from` (a skopeo name) to `to` (one too), plain HTTP towards a registry. */
export async function skopeoCopy(from: string, to: string): Promise<void> {
  await run(['skopeo', 'copy', '--dest-tls-verify=false', from, to], { timeoutMs: 300_000 });
}

/** The manifest digest of `name` as skopeo sees it (plain HTTP towards a registry). */
export async function skopeoDigest(name: string): Promise<string> {
  const tls = name.startsWith('docker://') ? ['--tls-verify=false'] : [];
  return (await run(['skopeo', 'inspect', ...tls, '--format', '{{.Digest}}', name])).stdout.trim();
}
