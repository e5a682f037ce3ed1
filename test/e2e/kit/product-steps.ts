/**
 * The user's steps, done with our CLI on a root prefix: shared by the
 * product boot test and `npm run demo`, so both prove the same path.
 */
import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { OperationError } from '../../../src/errors/index.js';
import { initramfsCompression } from '../../../src/system/initramfs-compression.js';
import { run, type RunResult } from '../../../src/system/runner.js';
import { siteChainIpxe } from './boot-files.js';
import type { BootTree } from './os-tree.js';

/** Runs `disklessset --root ROOT ...args`; throws with the CLI's output when it fails. */
export type Cli = (args: string[]) => Promise<RunResult>;

/** A {@link Cli} on `root`, using the compiled CLI at `cliPath`; `signal` stops a running command (SIGTERM). */
export function cliOn(cliPath: string, root: string, timeoutMs = 60 * 60_000, signal?: AbortSignal): Cli {
  return async (args) => {
    const result = await run([process.execPath, cliPath, '--root', root, ...args], {
      allowFailure: true, timeoutMs, signal, env: { DISKLESS_ROOT: undefined, NO_COLOR: '1' },
    });
    if (result.exitCode !== 0) {
      // The test reporter prints the message, not the hint: the CLI's last lines go in the message.
      const said = `${result.stdout}\n${result.stderr}`.trim().split('\n').slice(-3).join(' | ');
      throw new OperationError('E_E2E_CLI', `disklessset ${args.join(' ')} exited with ${result.exitCode}: ${said}`,
        `${result.stdout}\n${result.stderr}`.trim());
    }
    return result;
  };
}

/** SHA-512 crypt hash of `password` (mkpasswd, package whois). */
export async function passwordHash(password: string): Promise<string> {
  const result = await run(['mkpasswd', '--method=sha-512', '--stdin'], { input: `${password}\n`, timeoutMs: 30_000 });
  return result.stdout.trim();
}

/** The kernel registered by {@link addKernelWithInitramfs}. */
export interface InstalledKernel {
  /** e.g. vmlinuz-6.1.0-56-amd64, as the CLI names it. */
  kernel: string;
  initramfsPath: string;
  initramfsBytes: number;
  /** `kernel initramfs --chroot` wall time. */
  dracutSeconds: number;
}

/**
 * `kernel add TREE/boot/vmlinuz-VER` then `kernel initramfs vmlinuz-VER
 * --chroot TREE`: the initramfs that boots is our own dracut run's, made in
 * the tree so its modules match the kernel.
 */
export async function addKernelWithInitramfs(cli: Cli, tree: BootTree, httpRoot: string): Promise<InstalledKernel> {
  const kernel = `vmlinuz-${tree.kernelVersion}`;
  await cli(['kernel', 'add', tree.kernelPath]);
  const started = Date.now();
  await cli(['kernel', 'initramfs', kernel, '--chroot', tree.treeDir]);
  const dracutSeconds = (Date.now() - started) / 1000;
  const initramfsPath = join(httpRoot, 'preboot_execution_environment', 'diskless', 'kernels', `initramfs-kernel-${tree.kernelVersion}`);
  return { kernel, initramfsPath, initramfsBytes: (await stat(initramfsPath)).size, dracutSeconds };
}

/** URL QEMU's DHCP hands to iPXE: the site script written by {@link writeSiteScript}. */
export const SITE_SCRIPT_URL = 'http://10.0.2.2/site.ipxe';

/**
 * Writes `<httpRoot>/site.ipxe`: what a site's DHCP hands to iPXE first. It
 * only sets the serial console and chains to the entry script the tool wrote.
 */
export async function writeSiteScript(httpRoot: string): Promise<string> {
  const path = join(httpRoot, 'site.ipxe');
  await writeFile(path, siteChainIpxe('http://${next-server}/preboot_execution_environment/diskless/boot.ipxe'));
  return path;
}

/** Load average now, for figures (TCG speed follows it). */
export async function loadAverage(): Promise<string> {
  const { loadavg } = await import('node:os');
  return loadavg().map((value) => value.toFixed(1)).join(' ');
}

/**
 * The default node initramfs, from its `lsinitrd` listing: the drivers a node
 * needs and not every driver of the kernel, zstd, at most 30 MiB.
 */
export async function assertNodeInitramfs(listing: string, kernel: InstalledKernel): Promise<void> {
  for (const driver of ['virtio_net', 'virtio_pci', 'e1000', 'squashfs', 'overlay', 'nfsv4']) {
    assert.match(listing, new RegExp(`/${driver}\\.ko\\b`), `the initramfs lacks the ${driver} driver`);
  }
  assert.doesNotMatch(listing, /\/8139too\.ko\b/, 'a network driver outside the node list was packed');
  assert.equal(await initramfsCompression(kernel.initramfsPath), 'zstd');
  assert.ok(kernel.initramfsBytes <= 30 * 1024 * 1024, `the node initramfs is ${(kernel.initramfsBytes / 1048576).toFixed(1)} MiB, more than 30 MiB`);
}
