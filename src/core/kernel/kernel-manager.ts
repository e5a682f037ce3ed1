/**
 * Kernels live in the HTTP tree as `vmlinuz-<version>`; a kernel is available
 * when `initramfs-kernel-<version>` sits beside it.
 */
import { chmod, copyFile, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { NotFoundError, UsageError } from '../../errors/index.js';
import { isKernelVersion, validateKernelName } from '../names.js';
import type { DisklessConfig } from '../config.js';
import type { Paths } from '../paths.js';
import { fsyncDirectory, temporarySibling } from '../state/atomic-file.js';
import { requestedCompression, type InitramfsProfile } from '../../system/dracut-profile.js';
import { initramfsCompression, type InitramfsCompression } from '../../system/initramfs-compression.js';
import { checkDracutArgs } from '../../system/dracut-args.js';
import { isWorldReadable } from '../../serve/served-names.js';
import { lineRelay, type ProgressSink } from '../progress.js';
import { requireRegularFile } from '../input-file.js';
import { checkChrootTree, sourceScope } from '../os/source-checks.js';
import { buildInitramfs } from '../../system/dracut.js';

/** One kernel as listed. */
export interface KernelInfo {
  /** File name, `vmlinuz-<version>`. */
  kernel: string;
  version: string;
  /** Initramfs file name, `initramfs-kernel-<version>`. */
  initramfs: string;
  initramfs_present: boolean;
}

/** Options of {@link KernelManager.generateInitramfs}. */
export interface InitramfsOptions {
  /** Build inside this OS tree (chroot) so modules match the tree's kernel. */
  chroot?: string;
  /** Arguments appended to dracut's, after those of the config file. */
  extraArgs?: string[];
  /** Add the shipped `diskless-overlay` dracut module, which applies per-node overlays at boot (default true). */
  overlayModule?: boolean;
  /**
   * `node` (default): the drivers and modules a diskless node needs, zstd;
   * `full`: every driver of the kernel, xz, as the original tool (see system/dracut-profile.ts).
   */
  profile?: InitramfsProfile;
  onOutput?: (chunk: Buffer) => void;
  /** Receives dracut's stages (`detail` events) and the initramfs size. */
  progress?: ProgressSink;
  signal?: AbortSignal;
}

/** What {@link KernelManager.generateInitramfs} made. */
export interface GeneratedInitramfs extends KernelInfo {
  /** dracut modules of the original's set this host (or tree) lacks, left out. */
  skippedModules: string[];
  /** Whether the shipped `diskless-fetch` module went in (only when the tree has aria2c; see src/system/dracut-fetch-module.ts). */
  fetchModule: boolean;
  profile: InitramfsProfile;
  /** Read from the file: dracut uses another compressor when the asked one is missing. */
  compression: InitramfsCompression;
  /** What the profile and the extra arguments asked dracut for. */
  requestedCompression: InitramfsCompression;
  bytes: number;
}

/** dracut's stage lines, e.g. `dracut: *** Including module: base ***`, as `detail` events beside `onOutput`. */
function dracutOutput(options: InitramfsOptions): ((chunk: Buffer) => void) | undefined {
  const { progress, onOutput } = options;
  if (!progress) return onOutput;
  const stages = lineRelay((line) => {
    const stage = /\*\*\*\s*(.+?)\s*\*\*\*/.exec(line)?.[1];
    if (stage) progress({ type: 'detail', message: `dracut: ${stage}` });
  });
  return (chunk) => {
    stages(chunk);
    onOutput?.(chunk);
  };
}

/** Version of a kernel file name, or undefined if it is not one. */
export function kernelVersion(fileName: string): string | undefined {
  const match = /^vmlinuz-(.+)$/.exec(fileName);
  return isKernelVersion(match?.[1]) ? match[1] : undefined;
}

/** Initramfs file name of a kernel file name. */
export function initramfsName(kernel: string): string {
  return `initramfs-kernel-${kernelVersion(kernel) ?? kernel}`;
}

/** Installs a file by copy to a temporary sibling then rename: never a half-written kernel. */
async function installFile(source: string, target: string): Promise<void> {
  const temporary = temporarySibling(target);
  try {
    await copyFile(source, temporary);
    await chmod(temporary, 0o644);
    await rename(temporary, target);
  } finally {
    await rm(temporary, { force: true });
  }
  await fsyncDirectory(join(target, '..'));
}

/**
 * The kernels folder of one root (`kernels/` of the HTTP tree): lists,
 * adds and prepares kernels (`vmlinuz-VERSION`) and their initramfs files
 * (`initramfs-kernel-VERSION`). Kernel names pass `validateKernelName`
 * before any path is built from them.
 */
export class KernelManager {
  constructor(private readonly paths: Paths, private readonly config: DisklessConfig) {}

  /** All kernels, sorted by name, each with whether its initramfs is present (an absent folder: none). */
  async list(): Promise<KernelInfo[]> {
    let files: string[];
    try {
      files = await readdir(this.paths.kernelsDir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const present = new Set(files);
    return files.filter((f) => kernelVersion(f) !== undefined).sort().map((kernel) => {
      const version = kernelVersion(kernel) as string;
      const initramfs = initramfsName(kernel);
      return { kernel, version, initramfs, initramfs_present: present.has(initramfs) };
    });
  }

  /**
   * The kernel named `kernel` (`vmlinuz-VERSION`).
   * @throws UsageError E_KERNEL_NAME for an invalid name; NotFoundError E_KERNEL_NOT_FOUND when it is not in the kernels folder.
   */
  async get(kernel: string): Promise<KernelInfo> {
    validateKernelName(kernel);
    const found = (await this.list()).find((k) => k.kernel === kernel);
    if (!found) {
      throw new NotFoundError('E_KERNEL_NOT_FOUND', `kernel "${kernel}" is not in ${this.paths.kernelsDir}`,
        'list kernels with `disklessset kernel list` or add one with `disklessset kernel add`');
    }
    return found;
  }

  /**
   * The kernel, which must also have its initramfs: the one check that a
   * kernel can be booted (image creation, set-kernel, rebuild).
   * @throws UsageError E_KERNEL_NAME, E_KERNEL_UNAVAILABLE (no initramfs); NotFoundError E_KERNEL_NOT_FOUND.
   */
  async requireAvailable(kernel: string): Promise<KernelInfo> {
    const found = await this.get(kernel);
    if (!found.initramfs_present) {
      throw new UsageError('E_KERNEL_UNAVAILABLE', `kernel "${kernel}" has no initramfs (${found.initramfs})`,
        `generate it with \`disklessset kernel initramfs ${kernel}\``);
    }
    return found;
  }

  /**
   * Copies a kernel file (e.g. `/boot/vmlinuz-6.1.0-28-amd64`) into the kernels
   * folder, optionally with a ready-made initramfs. Replaces by rename.
   * @throws UsageError E_KERNEL_NAME (no version in the file name and none given), E_FILE_NOT_FOUND,
   *   E_NOT_REGULAR_FILE (a FIFO, device or folder),
   *   E_KERNEL_SOURCE_PRIVATE (a file not readable by everyone would be served to every node).
   */
  async add(source: string, options: { version?: string; initramfs?: string } = {}): Promise<KernelInfo> {
    const version = options.version ?? kernelVersion(basename(source));
    if (!isKernelVersion(version)) {
      throw new UsageError('E_KERNEL_NAME', `cannot tell the kernel version of "${basename(source)}"`,
        'name the file vmlinuz-<version> or pass --version');
    }
    for (const file of [source, options.initramfs]) {
      if (file === undefined) continue;
      const info = await requireRegularFile(file, 'give the path of a kernel or initramfs file');
      // The kernels folder is served to every node: a file its owner keeps private
      // (/etc/shadow, a host-only initramfs holding keys) must not be published by a copy.
      if (!isWorldReadable(info.mode)) {
        throw new UsageError('E_KERNEL_SOURCE_PRIVATE', `${file} is not readable by everyone (mode ${(info.mode & 0o777).toString(8).padStart(4, '0')}) and the kernels folder is served to every node`,
          'check that it holds no secret, then make it readable (chmod o+r) or generate the initramfs with `disklessset kernel initramfs`');
      }
    }
    const kernel = `vmlinuz-${version}`;
    await mkdir(this.paths.kernelsDir, { recursive: true });
    await installFile(source, join(this.paths.kernelsDir, kernel));
    if (options.initramfs) await installFile(options.initramfs, join(this.paths.kernelsDir, initramfsName(kernel)));
    return this.get(kernel);
  }

  /**
   * Refuses a chroot folder that is the host's `/`, a folder of the running
   * system, a kernel file system or one of the tool's folders (the rules of
   * a `dir:` source): binding /proc, /sys and /dev there would first unmount
   * the host's own. Mounts nothing.
   * @throws UsageError E_CHROOT_TREE.
   */
  async checkChroot(tree: string): Promise<void> {
    await checkChrootTree(tree, sourceScope(this.paths));
  }

  /**
   * Generates `initramfs-kernel-<version>` with dracut (the original's module
   * set, plus the shipped `diskless-overlay` module unless `overlayModule` is
   * false; the drivers and compression of `profile`), written beside the
   * kernel by rename, mode 0644.
   * @returns the kernel, the dracut modules this host cannot provide (skipped), the profile,
   *   the compression dracut really used (it falls back when the tree lacks the compressor) and the size in bytes.
   * @throws UsageError E_DRACUT_ARG (a refused extra or configured argument), E_KERNEL_NAME,
   *   E_CHROOT_TREE (see {@link KernelManager.checkChroot}), E_CHROOT_KERNEL_MISSING (the chroot has no modules for this kernel); NotFoundError E_KERNEL_NOT_FOUND.
   * @throws UnavailableError E_COMMAND_NOT_FOUND (dracut missing); OperationError E_COMMAND_FAILED,
   *   E_COMMAND_TIMEOUT, E_COMMAND_ABORTED (dracut failed, took too long, or `signal` fired).
   */
  async generateInitramfs(kernel: string, options: InitramfsOptions = {}): Promise<GeneratedInitramfs> {
    checkDracutArgs(this.config.dracutExtraArgs, 'dracut_extra_args');
    checkDracutArgs(options.extraArgs ?? [], 'the extra arguments');
    const info = await this.get(kernel);
    if (options.chroot) {
      await this.checkChroot(options.chroot);
      const modulesDir = await stat(join(options.chroot, 'lib/modules', info.version)).catch(() => undefined);
      if (!modulesDir?.isDirectory()) {
        throw new UsageError('E_CHROOT_KERNEL_MISSING', `${options.chroot} has no modules for kernel ${info.version}`,
          'use the tree the kernel came from');
      }
    }
    const profile = options.profile ?? 'node';
    const target = join(this.paths.kernelsDir, info.initramfs);
    const temporary = temporarySibling(target);
    try {
      const { skipped, fetchModule } = await buildInitramfs({
        kernelVersion: info.version, output: temporary, chroot: options.chroot,
        extraArgs: [...this.config.dracutExtraArgs, ...(options.extraArgs ?? [])], overlayModule: options.overlayModule,
        profile, onOutput: dracutOutput(options), signal: options.signal,
      });
      await chmod(temporary, 0o644);
      const bytes = (await stat(temporary)).size;
      const compression = await initramfsCompression(temporary);
      options.progress?.({ type: 'size', label: info.initramfs, bytes });
      await rename(temporary, target);
      const asked = requestedCompression(profile, [...this.config.dracutExtraArgs, ...(options.extraArgs ?? [])]);
      return { ...info, initramfs_present: true, skippedModules: skipped, fetchModule, profile, compression, requestedCompression: asked, bytes };
    } finally {
      await rm(temporary, { force: true });
    }
  }
}
