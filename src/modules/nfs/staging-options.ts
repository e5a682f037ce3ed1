/** Options of a staging image, checked once for the CLI, the menu and the API. */
import { UsageError } from '../../errors/index.js';
import { passwordHashOption } from '../../core/os/password.js';
import { OS_TYPES, parseSource, requirePackageNames, type OsSource, type OsType } from '../../core/os/sources.js';
import { nameList, optionalFlag, optionalText, requireKnownKeys } from '../../core/raw-options.js';

/** What `NfsStagingImage` creation takes. */
export interface StagingOptions {
  /** Kernel file name (`vmlinuz-<version>`), which must have its initramfs. */
  kernel: string;
  source: OsSource;
  type: OsType;
  /** Release (`--releasever` for dnf, a suite for Debian tools); default the host's. */
  release?: string;
  packages: string[];
  /** Root password as a crypt(3) hash (read with `readPasswordInput`, or hashed from `password`). */
  passwordHash: string;
  /** Text of an SSH public key for root. */
  sshPublicKey?: string;
  selinux: boolean;
  optimize: boolean;
}

/**
 * Keys of the raw options (CLI, menu, API body). `password` is a clear
 * password, hashed at once; `passwordHash` a ready crypt(3) hash.
 */
export const STAGING_OPTION_KEYS = ['kernel', 'source', 'type', 'release', 'packages', 'password', 'passwordHash', 'sshPublicKey',
  'selinux', 'optimize'] as const;

/** Validates raw options; throws UsageError (E_UNKNOWN_OPTION, E_OPTION_TYPE, E_PASSWORD, E_SOURCE...). */
export function parseStagingOptions(raw: Record<string, unknown>): StagingOptions {
  requireKnownKeys(raw, STAGING_OPTION_KEYS, 'the staging image options');
  const kernel = optionalText(raw, 'kernel', 'E_KERNEL_REQUIRED');
  if (!kernel) {
    throw new UsageError('E_KERNEL_REQUIRED', 'a staging image needs a kernel', 'pass --kernel vmlinuz-<version> (see `disklessset kernel list`)');
  }
  const source = optionalText(raw, 'source', 'E_SOURCE');
  if (!source) {
    throw new UsageError('E_SOURCE', 'a staging image needs an OS source', 'pass --source dnf|debootstrap|mmdebstrap|tar:PATH|dir:PATH');
  }
  const osType = optionalText(raw, 'type', 'E_OS_TYPE') ?? 'core';
  if (!(OS_TYPES as readonly string[]).includes(osType)) {
    throw new UsageError('E_OS_TYPE', `unknown OS type "${osType}"`, `use one of ${OS_TYPES.join(', ')}`);
  }
  const passwordHash = passwordHashOption(raw);
  if (passwordHash === undefined) {
    throw new UsageError('E_PASSWORD', 'a staging image needs a root password', 'pass --password-file, --password-stdin or --password-hash');
  }
  const release = optionalText(raw, 'release', 'E_RELEASE');
  if (release !== undefined && !/^[A-Za-z0-9._-]{1,32}$/.test(release)) {
    throw new UsageError('E_RELEASE', `invalid release "${release}"`, 'give a version (8, 9.3) or a suite name (bookworm)');
  }
  const sshPublicKey = optionalText(raw, 'sshPublicKey', 'E_SSH_KEY');
  if (sshPublicKey !== undefined && !/^(ssh-|ecdsa-|sk-)/.test(sshPublicKey.trim())) {
    throw new UsageError('E_SSH_KEY', 'the SSH key does not look like a public key', 'give the .pub file');
  }
  const packages = nameList(raw, 'packages');
  requirePackageNames(packages);
  return {
    kernel, source: parseSource(source), type: osType as OsType, release, packages, passwordHash, sshPublicKey,
    selinux: optionalFlag(raw, 'selinux'), optimize: optionalFlag(raw, 'optimize'),
  };
}
