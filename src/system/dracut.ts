/**
 * dracut wrapper: builds an initramfs on the host or inside an OS tree
 * (chroot), so that the kernel modules packed match the image's kernel.
 */
import { access, copyFile, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bindSystemDirs, chrootCommand, unbindSystemDirs } from './chroot.js';
import { FETCH_DRACUT_MODULE, FETCH_DRACUT_MODULE_DIR, treeHasAria2c } from './dracut-fetch-module.js';
import { OVERLAY_DRACUT_MODULE, OVERLAY_DRACUT_MODULE_DIR, stageDracutBase } from './dracut-overlay-module.js';
import { run } from './runner.js';
import {
  DRIVER_DRACUT_MODULES, NODE_REPLACED_DRACUT_MODULES, ORIGINAL_DRACUT_ADD, ORIGINAL_DRACUT_MODULES, profileArguments, type InitramfsProfile,
} from './dracut-profile.js';

/** Options of {@link buildInitramfs}. */
export interface DracutOptions {
  kernelVersion: string;
  /** Final path of the initramfs on the host. */
  output: string;
  /** Build inside this OS tree with chroot instead of on the host. */
  chroot?: string;
  /** Extra arguments appended after the defaults (from the config file or the command line). */
  extraArgs?: readonly string[];
  /** Add the shipped `diskless-overlay` module (default true; see dracut-overlay-module.ts). */
  overlayModule?: boolean;
  /** Add the shipped `diskless-fetch` module when the tree has aria2c (default true; see dracut-fetch-module.ts). */
  fetchModule?: boolean;
  /** What goes in (default `node`; see dracut-profile.ts). */
  profile?: InitramfsProfile;
  onOutput?: (chunk: Buffer) => void;
  signal?: AbortSignal;
}

/** dracut modules installed in a tree (or on the host with '/'), by name. */
async function availableDracutModules(tree = '/'): Promise<Set<string>> {
  const names = new Set<string>();
  for (const base of ['usr/lib/dracut/modules.d', 'lib/dracut/modules.d']) {
    try {
      for (const entry of await readdir(join(tree, base))) names.add(entry.replace(/^\d+/, ''));
    } catch { /* this layout is not used here */ }
  }
  return names;
}

/**
 * Whether the initrd should bring the network up with dracut's
 * `network-legacy`: when the system has no NetworkManager, dracut's `network`
 * module otherwise picks systemd-networkd (Debian ships it with systemd),
 * with which livenet fails to fetch its image and which wants dbus.
 */
export async function prefersLegacyNetwork(tree: string, available: Set<string>): Promise<boolean> {
  if (!available.has('network-legacy')) return false;
  for (const binary of ['usr/sbin/NetworkManager', 'sbin/NetworkManager']) {
    try {
      await access(join(tree, binary));
      return false; // the original's choice (network-manager) works there
    } catch { /* not this path */ }
  }
  return true;
}

/** Options of {@link dracutArguments}. */
export interface DracutArgumentOptions {
  /** Appended after the defaults (from the config file or the command line), so they win. */
  extraArgs?: readonly string[];
  /** Add `network-legacy` (see {@link prefersLegacyNetwork}). */
  legacyNetwork?: boolean;
  /** Add the shipped `diskless-overlay` module. */
  overlayModule?: boolean;
  /** Add the shipped `diskless-fetch` module. */
  fetchModule?: boolean;
  /** Default `node`. */
  profile?: InitramfsProfile;
}

/**
 * Arguments of our dracut call: the profile's compression and drivers (see
 * dracut-profile.ts), then the original's module set, without the modules
 * this system's dracut does not have (e.g. `ifcfg` is gone from recent
 * dracut): a requested but missing module would make dracut fail outright.
 */
export function dracutArguments(kernelVersion: string, output: string, available: Set<string>,
  options: DracutArgumentOptions = {}): { args: string[]; skipped: string[] } {
  const profile = options.profile ?? 'node';
  const keep = (name: string) => available.size === 0 || available.has(name);
  const skipped = [...ORIGINAL_DRACUT_MODULES, ...ORIGINAL_DRACUT_ADD].filter((m) => !keep(m));
  const modules = ORIGINAL_DRACUT_MODULES.filter(keep);
  const added = [...ORIGINAL_DRACUT_ADD, 'dmsquash-live', ...DRIVER_DRACUT_MODULES, ...(options.legacyNetwork ? ['network-legacy'] : [])].filter(keep);
  // Ours is always present: buildInitramfs stages it beside the system's modules.
  if (options.overlayModule) added.push(OVERLAY_DRACUT_MODULE);
  if (options.fetchModule) added.push(FETCH_DRACUT_MODULE);
  // The original's required xfs; the node profile lists it among its (optional) drivers.
  const xfs = profile === 'full' ? ['--add-drivers', 'xfs'] : [];
  const args = [...profileArguments(profile), '-m', modules.join(' '), '--add', added.join(' '), ...xfs,
    '--no-hostonly', '--nolvmconf', '--force', ...(options.extraArgs ?? []), output, '--kver', kernelVersion];
  return { args, skipped };
}

/** What {@link buildInitramfs} did beyond the initramfs. */
export interface BuiltInitramfs {
  /** The original tool's dracut modules this host (or tree) cannot provide, left out. */
  skipped: string[];
  /** Whether the `diskless-fetch` module went in: asked for, and the tree has aria2c. */
  fetchModule: boolean;
}

/**
 * Runs dracut; in a chroot, /proc, /sys and /dev are bound for the duration.
 * dracut runs on a staged base folder that adds the shipped
 * `diskless-overlay` module (unless `overlayModule` is false), the
 * `diskless-fetch` module (unless `fetchModule` is false, or the tree has no
 * aria2c) and, for the `node` profile, our stand-in for
 * `kernel-network-modules` (removed afterwards; the system's dracut folder
 * is never written).
 * @throws UsageError E_TREE_SYSTEM_LINK (a chroot whose proc, sys or dev is a link or a file).
 * @throws CommandError E_COMMAND_NOT_FOUND, E_COMMAND_FAILED, E_COMMAND_TIMEOUT (30 minutes), E_COMMAND_ABORTED.
 */
export async function buildInitramfs(options: DracutOptions): Promise<BuiltInitramfs> {
  const tree = options.chroot;
  const available = await availableDracutModules(tree ?? '/');
  const legacyNetwork = await prefersLegacyNetwork(tree ?? '/', available);
  const withOverlay = options.overlayModule !== false;
  const withFetch = options.fetchModule !== false && await treeHasAria2c(tree ?? '/');
  const profile = options.profile ?? 'node';
  const shipped = [...(withOverlay ? [OVERLAY_DRACUT_MODULE_DIR] : []), ...(withFetch ? [FETCH_DRACUT_MODULE_DIR] : []),
    ...(profile === 'node' ? NODE_REPLACED_DRACUT_MODULES : [])];
  const stage = async (into: string, insideInto: string) => (shipped.length ? stageDracutBase(tree ?? '/', into, insideInto, shipped) : undefined);
  const argsFor = (output: string) => dracutArguments(options.kernelVersion, output, available,
    { extraArgs: options.extraArgs, legacyNetwork, overlayModule: withOverlay, fetchModule: withFetch, profile });
  const runOptions = { timeoutMs: 30 * 60_000, signal: options.signal, onStderr: options.onOutput };
  if (!tree) {
    const scratch = await mkdtemp(join(tmpdir(), 'disklessset-dracut-'));
    try {
      const base = await stage(join(scratch, 'dracut'), join(scratch, 'dracut'));
      const { args, skipped } = argsFor(options.output);
      await run(['dracut', ...args], { ...runOptions, env: base ? { dracutbasedir: base } : {} });
      return { skipped, fetchModule: withFetch };
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }
  // dracut in the tree gets a clean environment (see chroot.ts): e.g. the caller's TMPDIR may not exist there.
  try {
    await bindSystemDirs(tree);
    const scratch = await mkdtemp(join(tree, 'tmp', 'disklessset-dracut-'));
    try {
      const inside = (path: string) => join('/', path.slice(tree.length)).replace(/\/+/g, '/');
      const base = await stage(join(scratch, 'dracut'), inside(join(scratch, 'dracut')));
      const { args, skipped } = argsFor(inside(join(scratch, 'initramfs.img')));
      const dracut = base ? ['env', `dracutbasedir=${base}`, 'dracut'] : ['dracut'];
      await run(chrootCommand(tree, [...dracut, ...args]), runOptions);
      await copyFile(join(scratch, 'initramfs.img'), options.output);
      return { skipped, fetchModule: withFetch };
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  } finally {
    await unbindSystemDirs(tree);
  }
}
