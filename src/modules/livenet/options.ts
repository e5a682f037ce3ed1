/**
 * Options of a livenet image: parsing of sizes, raw values (command line,
 * API, spec file) into typed options, and the recipe kept in image_data.yml
 * so that the image can be rebuilt the same way.
 */
import { UsageError } from '../../core/errors.js';
import { OS_TYPES, formatSource, parseSource, type OsSource, type OsType } from '../../core/os/sources.js';

/** Compressions mksquashfs offers that dracut's kernels read. */
export const COMPRESSIONS = ['zstd', 'xz', 'gzip', 'lz4'] as const;
export type Compression = (typeof COMPRESSIONS)[number];

/** `liveos`: squashfs holding LiveOS/rootfs.img (the original's); `flat`: squashfs of the tree itself. */
export const LAYOUTS = ['liveos', 'flat'] as const;
export type Layout = (typeof LAYOUTS)[number];

export const MIN_SIZE_MIB = 100;
export const MAX_SIZE_MIB = 50_000;

/** Everything a livenet build needs, checked. */
export interface LivenetOptions {
  kernel: string;
  type: OsType;
  /** Size of LiveOS/rootfs.img in MiB (liveos layout). */
  sizeMiB: number;
  source: OsSource;
  /** `$6$` hash of root's password. */
  passwordHash: string;
  /** Path of the SSH public key file given (kept for display and rebuilds). */
  sshKeyFile?: string;
  /** The key text itself. */
  sshKey?: string;
  selinux: boolean;
  packages: string[];
  release?: string;
  optimize: boolean;
  compression: Compression;
  layout: Layout;
}

/**
 * Parses a size as the original did: a number of MiB with `M`, or of GiB with
 * `G` (up to 3 decimals); 100..50000 MiB. Returns MiB. Throws E_SIZE.
 */
export function parseSize(text: string): number {
  const match = /^\s*(\d{1,6})(?:\.(\d{1,3}))?\s*([MG])(?:i?B)?\s*$/i.exec(text);
  const hint = `give a size such as 5120M, 5G or 1.5G, from ${MIN_SIZE_MIB}M to ${MAX_SIZE_MIB}M`;
  if (!match?.[1] || !match[3]) throw new UsageError('E_SIZE', `invalid size "${text}"`, hint);
  const unit = match[3].toUpperCase();
  if (unit === 'M' && match[2] !== undefined) throw new UsageError('E_SIZE', `invalid size "${text}" (decimals only with G)`, hint);
  const value = Number(`${match[1]}.${match[2] ?? '0'}`);
  const mib = unit === 'G' ? Math.round(value * 1024) : value;
  if (mib < MIN_SIZE_MIB || mib > MAX_SIZE_MIB) throw new UsageError('E_SIZE', `size ${text} (${mib} MiB) is out of range`, hint);
  return mib;
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], what: string, fallback: T): T {
  if (value === undefined || value === null || value === '') return fallback;
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`E_${what.toUpperCase()}`, `invalid ${what} "${String(value)}"`, `choose one of ${allowed.join(', ')}`);
}

function flag(value: unknown): boolean {
  return value === true || value === 'true' || value === 'yes' || value === 1;
}

/** Splits `a,b c` or a list into package names. */
export function packageNames(value: unknown): string[] {
  if (value === undefined || value === null || value === '') return [];
  const items = Array.isArray(value) ? value.map(String) : String(value).split(/[\s,]+/);
  return [...new Set(items.map((p) => p.trim()).filter(Boolean))];
}

/**
 * Raw keys accepted (command line names, snake_case for files and the API):
 * kernel, type, size, source, password_hash, ssh_key_file, ssh_key, selinux,
 * packages, release, optimize, compression, layout.
 */
export function parseLivenetOptions(raw: Record<string, unknown>, defaults: { source: string }): LivenetOptions {
  const pick = (...keys: string[]) => keys.map((k) => raw[k]).find((v) => v !== undefined);
  const kernel = pick('kernel');
  if (typeof kernel !== 'string' || kernel === '') throw new UsageError('E_KERNEL_REQUIRED', 'a kernel is required', 'pass --kernel vmlinuz-<version>');
  const layout = oneOf(pick('layout'), LAYOUTS, 'layout', 'liveos');
  const sizeRaw = pick('size', 'livenet_size');
  let sizeMiB = 0;
  if (typeof sizeRaw === 'number') sizeMiB = parseSize(`${sizeRaw}M`);
  else if (sizeRaw !== undefined) sizeMiB = parseSize(String(sizeRaw));
  else if (layout === 'liveos') throw new UsageError('E_SIZE', 'a size is required for the liveos layout', 'pass --size 5G (or use --layout flat)');
  const passwordHash = pick('password_hash', 'passwordHash', 'password');
  if (typeof passwordHash !== 'string') {
    throw new UsageError('E_PASSWORD', 'a root password is required', 'pass --password-file, --password-stdin or --password-hash');
  }
  const source = pick('source');
  const release = pick('release', 'release_version');
  const sshKeyFile = pick('ssh_key_file', 'sshKeyFile', 'ssh-key', 'ssh_pub_key');
  const sshKey = pick('ssh_key', 'sshKey');
  return {
    kernel,
    type: oneOf(pick('type', 'livenet_type'), OS_TYPES, 'type', 'core'),
    sizeMiB,
    source: parseSource(typeof source === 'string' && source ? source : defaults.source),
    passwordHash,
    sshKeyFile: typeof sshKeyFile === 'string' && sshKeyFile ? sshKeyFile : undefined,
    sshKey: typeof sshKey === 'string' && sshKey ? sshKey : undefined,
    selinux: flag(pick('selinux')),
    packages: packageNames(pick('packages', 'additional_packages')),
    release: release === undefined || release === null || release === '' ? undefined : String(release),
    optimize: flag(pick('optimize')),
    compression: oneOf(pick('compression'), COMPRESSIONS, 'compression', 'zstd'),
    layout,
  };
}

/** Attributes stored in image_data.yml (the original's names where it had them). */
export function recipeAttributes(options: LivenetOptions): Record<string, unknown> {
  return {
    password: options.passwordHash,
    livenet_type: options.type,
    livenet_size: options.layout === 'liveos' ? options.sizeMiB : undefined,
    selinux: options.selinux,
    optimize: options.optimize,
    ssh_pub_key: options.sshKeyFile,
    ssh_key: options.sshKey,
    additional_packages: options.packages,
    release_version: options.release,
    source: formatSource(options.source),
    compression: options.compression,
    layout: options.layout,
  };
}

/** Rebuild options from a stored image's attributes (the recipe). */
export function optionsFromRecipe(data: Record<string, unknown>, defaults: { source: string }): LivenetOptions {
  return parseLivenetOptions({ ...data, size: data.livenet_size, password_hash: data.password }, defaults);
}
