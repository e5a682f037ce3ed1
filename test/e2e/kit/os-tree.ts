/**
 * Builds (once) and caches the small Debian OS tree the end-to-end tests boot:
 * mmdebstrap bookworm minbase + kernel + dracut (livenet, dmsquash-live,
 * network-legacy, nfs) + a marker unit, and an initramfs made inside the tree.
 *
 * The cache lives outside the repository, keyed by a hash of everything that
 * shapes the tree; a build happens in a temporary sibling directory renamed
 * into place at the end, so a killed build never leaves a half tree behind.
 */
import { createHash } from 'node:crypto';
import { lstat, mkdir, mkdtemp, readdir, readFile, rename, rm, stat, symlink, writeFile, chmod } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { run } from '../../../src/system/runner.js';
import { OperationError } from '../../../src/errors/index.js';
import { debianMirrorLines } from './apt-sources.js';
import { removeTreeSafely, runInChroot } from './chroot.js';
import { DRACUT_MODULES, OVERLAY, PACKAGES, ROOT_PASSWORD } from './os-tree-content.js';
import { directorySize } from './sizes.js';

const RELEASE = 'bookworm';

/** The cached boot tree and where its kernel and initramfs are. */
export interface BootTree {
  /** Root of the OS tree. */
  treeDir: string;
  kernelVersion: string;
  /** `<tree>/boot/vmlinuz-<version>`. */
  kernelPath: string;
  /** `<tree>/boot/initramfs-kernel-<version>`, made by dracut chrooted into the tree. */
  initramfsPath: string;
  /** Hash of packages, mirrors, overlay files and dracut modules. */
  cacheKey: string;
  /** Figures of the build that produced this tree (from its record file). */
  record: BuildRecord;
}

/** Written beside the tree as `build.json` when a build completes. */
export interface BuildRecord {
  builtAt: string;
  mmdebstrapSeconds: number;
  dracutSeconds: number;
  treeBytes: number;
  initramfsBytes: number;
  kernelVersion: string;
  packages: readonly string[];
  mirrors: string[];
}

/** Options of {@link ensureBootTree}. */
export interface EnsureBootTreeOptions {
  /** Cache root (default: env DISKLESS_E2E_CACHE or /var/cache/disklessset-e2e). */
  cacheRoot?: string;
  /** Progress lines (default: stderr). */
  log?: (line: string) => void;
  /**
   * Debian packages added to {@link PACKAGES} (e.g. `aria2` for the
   * peer-to-peer boot): a tree of its own, cached under its own key; the
   * default tree's key does not change.
   */
  extraPackages?: readonly string[];
}

/** Cache root used when none is given. */
export function defaultCacheRoot(): string {
  return process.env.DISKLESS_E2E_CACHE ?? '/var/cache/disklessset-e2e';
}

/** The cache key of the tree these sources would build. */
export function bootTreeCacheKey(mirrors: readonly string[], extraPackages: readonly string[] = []): string {
  const hash = createHash('sha256');
  const packages = [...PACKAGES, ...[...extraPackages].sort()];
  hash.update(JSON.stringify({ release: RELEASE, packages, mirrors, overlay: OVERLAY, dracut: DRACUT_MODULES, password: ROOT_PASSWORD }));
  return hash.digest('hex').slice(0, 16);
}

/** Returns the cached boot tree, building it first when the cache has none. */
export async function ensureBootTree(options: EnsureBootTreeOptions = {}): Promise<BootTree> {
  const log = options.log ?? ((line: string) => process.stderr.write(`[e2e os-tree] ${line}\n`));
  const cacheRoot = options.cacheRoot ?? defaultCacheRoot();
  const mirrors = await debianMirrorLines(RELEASE);
  const extraPackages = options.extraPackages ?? [];
  const cacheKey = bootTreeCacheKey(mirrors, extraPackages);
  const finalDir = join(cacheRoot, cacheKey);
  await mkdir(cacheRoot, { recursive: true });
  await removeStaleBuilds(cacheRoot, log);

  if (!(await exists(join(finalDir, 'build.json')))) {
    log(`no cached tree for key ${cacheKey}: building (mmdebstrap ~4 min, dracut ~1.5 min)`);
    const buildDir = await mkdtemp(join(cacheRoot, `${cacheKey}.build-${process.pid}-`));
    try {
      await buildInto(buildDir, mirrors, [...PACKAGES, ...extraPackages], log);
      try {
        await rename(buildDir, finalDir);
      } catch (error) {
        // Another run finished the same key first: keep its tree, drop ours.
        if (!(await exists(join(finalDir, 'build.json')))) throw error;
        await removeTreeSafely(buildDir);
      }
    } catch (error) {
      await removeTreeSafely(buildDir).catch(() => undefined);
      throw error;
    }
  } else {
    log(`reusing cached tree ${finalDir}`);
  }
  const record = JSON.parse(await readFile(join(finalDir, 'build.json'), 'utf8')) as BuildRecord;
  const treeDir = join(finalDir, 'tree');
  return {
    treeDir,
    kernelVersion: record.kernelVersion,
    kernelPath: join(treeDir, 'boot', `vmlinuz-${record.kernelVersion}`),
    initramfsPath: join(treeDir, 'boot', `initramfs-kernel-${record.kernelVersion}`),
    cacheKey,
    record,
  };
}

async function buildInto(buildDir: string, mirrors: string[], packages: readonly string[], log: (line: string) => void): Promise<void> {
  const treeDir = join(buildDir, 'tree');
  const overlayDir = join(buildDir, 'overlay');
  await writeOverlay(overlayDir);

  const started = Date.now();
  await run([
    'mmdebstrap', '--variant=minbase', `--include=${packages.join(',')}`,
    '--aptopt=APT::Install-Recommends "false"',
    // The dracut configuration must be there before linux-image's postinst runs dracut.
    `--essential-hook=sync-in ${overlayDir} /`,
    RELEASE, treeDir, ...mirrors,
  ], { timeoutMs: 30 * 60_000 });
  const mmdebstrapSeconds = (Date.now() - started) / 1000;
  log(`mmdebstrap done in ${mmdebstrapSeconds.toFixed(0)} s`);

  const kernelVersion = await findKernelVersion(treeDir);
  await finishTree(treeDir);

  const dracutStarted = Date.now();
  const initramfsInTree = `/boot/initramfs-kernel-${kernelVersion}`;
  await runInChroot(treeDir, [
    'dracut', '--force', '--no-hostonly', '--zstd', '--add', DRACUT_MODULES.join(' '),
    '--kver', kernelVersion, initramfsInTree,
  ], { timeoutMs: 20 * 60_000 });
  await chmod(join(treeDir, initramfsInTree), 0o644);
  const dracutSeconds = (Date.now() - dracutStarted) / 1000;
  log(`dracut in chroot done in ${dracutSeconds.toFixed(0)} s`);

  const record: BuildRecord = {
    builtAt: new Date().toISOString(),
    mmdebstrapSeconds,
    dracutSeconds,
    treeBytes: await directorySize(treeDir),
    initramfsBytes: (await stat(join(treeDir, initramfsInTree))).size,
    kernelVersion,
    packages,
    mirrors,
  };
  await rm(overlayDir, { recursive: true, force: true });
  await writeFile(join(buildDir, 'build.json'), `${JSON.stringify(record, null, 2)}\n`);
}

/** Writes the overlay files mmdebstrap syncs into the tree. */
async function writeOverlay(overlayDir: string): Promise<void> {
  for (const entry of OVERLAY) {
    const target = join(overlayDir, entry.path);
    await mkdir(dirname(target), { recursive: true });
    if (entry.symlinkTo) await symlink(entry.symlinkTo, target);
    else {
      await writeFile(target, entry.content ?? '');
      await chmod(target, entry.mode ?? 0o644);
    }
  }
}

/** Post-install fix-ups that must not depend on the build host. */
async function finishTree(treeDir: string): Promise<void> {
  // mmdebstrap copies the host's hostname; without the file the guest keeps the DHCP name.
  await rm(join(treeDir, 'etc', 'hostname'), { force: true });
  // The postinst's initrd.img is unused (we make our own) and would bloat every image.
  for (const name of await readdir(join(treeDir, 'boot'))) {
    if (name.startsWith('initrd.img-')) await rm(join(treeDir, 'boot', name), { force: true });
  }
  const { stdout: hashed } = await run(['mkpasswd', '--method=sha-512', '--stdin'], { input: ROOT_PASSWORD, timeoutMs: 30_000 });
  const shadowPath = join(treeDir, 'etc', 'shadow');
  const shadow = (await readFile(shadowPath, 'utf8')).split('\n')
    .map((line) => (line.startsWith('root:') ? line.replace(/^root:[^:]*:/, `root:${hashed.trim()}:`) : line));
  await writeFile(shadowPath, shadow.join('\n'));
}

async function findKernelVersion(treeDir: string): Promise<string> {
  const kernels = (await readdir(join(treeDir, 'boot'))).filter((name) => name.startsWith('vmlinuz-')).sort();
  const last = kernels.at(-1);
  if (!last) throw new OperationError('E_E2E_NO_KERNEL', `no /boot/vmlinuz-* in ${treeDir}`, 'check that linux-image-amd64 installed');
  return last.slice('vmlinuz-'.length);
}

/** Removes `*.build-<pid>-*` directories left in `cacheRoot` by killed runs (their pid is gone). */
export async function removeStaleBuilds(cacheRoot: string, log: (line: string) => void): Promise<void> {
  for (const name of await readdir(cacheRoot)) {
    const match = /\.build-(\d+)-/.exec(name);
    if (!match?.[1] || isAlive(Number(match[1]))) continue;
    log(`removing stale build ${name}`);
    await removeTreeSafely(join(cacheRoot, name));
  }
}

function isAlive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch { return false; }
}

async function exists(path: string): Promise<boolean> {
  try { await lstat(path); return true; } catch { return false; }
}
