/**
 * Options of a livenet image: parsing of sizes, raw values (command line,
 * API, spec file) into typed options, and the recipe kept in image_data.yml
 * so that the image can be rebuilt the same way.
 */
import { UsageError } from '../../errors/index.js';
import { passwordHashOption } from '../../core/os/password.js';
import { OS_TYPES, formatSource, parseSource, requirePackageNames, type OsSource, type OsType } from '../../core/os/sources.js';
import { nameList, optionalFlag, optionalText } from '../../core/raw-options.js';

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
  /** crypt(3) hash of root's password (see `requirePasswordHash`). */
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

function oneOf<T extends string>(value: unknown, allowed: readonly T[], what: string, code: string, fallback: T): T {
  if (value === undefined || value === null || value === '') return fallback;
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(code, `invalid ${what} ${JSON.stringify(value)}`, `choose one of ${allowed.join(', ')}`);
}

/**
 * Keys an API body (`options` of `POST /images`) may give. `password` is a
 * clear password (hashed at once), `ssh_key` the text of a public key: the
 * API never reads files of the server.
 */
export const LIVENET_API_KEYS = ['kernel', 'type', 'size', 'source', 'password', 'password_hash', 'ssh_key', 'selinux', 'packages',
  'release', 'optimize', 'compression', 'layout'] as const;

/** Throws UsageError E_SSH_KEY unless every non-comment line of `text` is an SSH public key. Returns the lines joined. */
export function requireSshPublicKey(text: string, what: string): string {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  if (lines.length === 0 || !lines.every((l) => /^(ssh-|ecdsa-|sk-|[a-z0-9-]+@openssh\.com)/.test(l.replace(/^\S+="[^"]*"\s+/, '')))) {
    throw new UsageError('E_SSH_KEY', `${what} does not look like an SSH public key`, 'give a .pub file (not the private key)');
  }
  return lines.join('\n');
}

/** The first of `keys` that `raw` gives (original names are aliases of ours). */
function pick(raw: Record<string, unknown>, ...keys: string[]): Record<string, unknown> {
  const key = keys.find((k) => raw[k] !== undefined && raw[k] !== null);
  return key === undefined ? {} : { [keys[0] as string]: raw[key] };
}

/**
 * Parses raw options (command line, spec file, API, stored recipe; the
 * original's attribute names `livenet_type`, `livenet_size`,
 * `additional_packages`, `release_version`, `ssh_pub_key` are aliases) into
 * checked options. Values of the wrong type are refused, never replaced by a
 * default. Throws UsageError (E_KERNEL_REQUIRED, E_OS_TYPE, E_SIZE, E_SOURCE,
 * E_PASSWORD, E_PACKAGE_NOT_FOUND, E_OPTION_TYPE, E_SSH_KEY...).
 */
export function parseLivenetOptions(raw: Record<string, unknown>, defaults: { source: string }): LivenetOptions {
  const one = (...keys: string[]) => pick(raw, ...keys);
  const kernel = optionalText(raw, 'kernel', 'E_KERNEL_REQUIRED');
  if (!kernel) throw new UsageError('E_KERNEL_REQUIRED', 'a kernel is required', 'pass --kernel vmlinuz-<version>');
  const layout = oneOf(raw.layout, LAYOUTS, 'layout', 'E_LAYOUT', 'liveos');
  const size = one('size', 'livenet_size').size;
  let sizeMiB = 0;
  if (typeof size === 'number') sizeMiB = parseSize(`${size}M`);
  else if (typeof size === 'string') sizeMiB = parseSize(size);
  else if (size !== undefined) throw new UsageError('E_SIZE', `invalid size ${JSON.stringify(size)}`, 'give a size such as 5G or 5120M');
  else if (layout === 'liveos') throw new UsageError('E_SIZE', 'a size is required for the liveos layout', 'pass --size 5G (or use --layout flat)');
  const passwordHash = passwordHashOption(raw);
  if (passwordHash === undefined) {
    throw new UsageError('E_PASSWORD', 'a root password is required', 'pass --password-file, --password-stdin or --password-hash');
  }
  const source = optionalText(raw, 'source', 'E_SOURCE');
  const release = one('release', 'release_version').release;
  if (release !== undefined && typeof release !== 'string' && typeof release !== 'number') {
    throw new UsageError('E_RELEASE', `invalid release ${JSON.stringify(release)}`, 'give a version (9, 9.3) or a suite name (bookworm)');
  }
  const sshKeyFile = optionalText(one('ssh_key_file', 'ssh_pub_key'), 'ssh_key_file', 'E_SSH_KEY');
  const sshKey = optionalText(raw, 'ssh_key', 'E_SSH_KEY');
  const packages = nameList(one('packages', 'additional_packages'), 'packages');
  requirePackageNames(packages);
  return {
    kernel,
    type: oneOf(one('type', 'livenet_type').type, OS_TYPES, 'OS type', 'E_OS_TYPE', 'core'),
    sizeMiB,
    source: parseSource(source || defaults.source),
    passwordHash,
    sshKeyFile: sshKeyFile || undefined,
    sshKey: sshKey ? requireSshPublicKey(sshKey, 'the ssh_key option') : undefined,
    selinux: optionalFlag(raw, 'selinux'),
    packages,
    release: release === undefined || release === '' ? undefined : String(release),
    optimize: optionalFlag(raw, 'optimize'),
    compression: oneOf(raw.compression, COMPRESSIONS, 'compression', 'E_COMPRESSION', 'zstd'),
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
  // The stored `password` is a hash, never a clear password.
  return parseLivenetOptions({ ...data, password: undefined, password_hash: data.password }, defaults);
}
