/** Options of a staging image, checked once for the CLI, the menu and the API. */
import { UsageError } from '../../core/errors.js';
import { OS_TYPES, parseSource, type OsSource, type OsType } from '../../core/os/sources.js';
import { SHA512_HASH_PATTERN } from '../../core/os/password.js';

/** What `NfsStagingImage` creation takes. */
export interface StagingOptions {
  /** Kernel file name (`vmlinuz-<version>`), which must have its initramfs. */
  kernel: string;
  source: OsSource;
  type: OsType;
  /** Release (`--releasever` for dnf, a suite for Debian tools); default the host's. */
  release?: string;
  packages: string[];
  /** Root password as a `$6$` hash (read with `readPasswordInput`). */
  passwordHash: string;
  /** Text of an SSH public key for root. */
  sshPublicKey?: string;
  selinux: boolean;
  optimize: boolean;
}

function flag(value: unknown): boolean {
  return value === true || value === 'true' || value === 'yes';
}

/** Package names given as a list or as one comma/space separated string. */
function packageList(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  const items = Array.isArray(value) ? value : [value];
  return items.flatMap((item) => String(item).split(/[\s,]+/)).filter(Boolean);
}

/** Validates raw options; throws UsageError. */
export function parseStagingOptions(raw: Record<string, unknown>): StagingOptions {
  const { kernel, source, type, release, passwordHash, sshPublicKey } = raw;
  if (typeof kernel !== 'string' || kernel === '') {
    throw new UsageError('E_KERNEL_REQUIRED', 'a staging image needs a kernel', 'pass --kernel vmlinuz-<version> (see `disklessset kernel list`)');
  }
  if (typeof source !== 'string' || source === '') {
    throw new UsageError('E_SOURCE', 'a staging image needs an OS source', 'pass --source dnf|debootstrap|mmdebstrap|tar:PATH|dir:PATH');
  }
  const osType = type === undefined ? 'core' : String(type);
  if (!(OS_TYPES as readonly string[]).includes(osType)) {
    throw new UsageError('E_OS_TYPE', `unknown OS type "${osType}"`, `use one of ${OS_TYPES.join(', ')}`);
  }
  if (typeof passwordHash !== 'string' || !SHA512_HASH_PATTERN.test(passwordHash)) {
    throw new UsageError('E_PASSWORD', 'a staging image needs a root password', 'pass --password-file, --password-stdin or --password-hash');
  }
  if (release !== undefined && (typeof release !== 'string' || !/^[A-Za-z0-9._-]{1,32}$/.test(release))) {
    throw new UsageError('E_RELEASE', `invalid release "${String(release)}"`, 'give a version (8, 9.3) or a suite name (bookworm)');
  }
  if (sshPublicKey !== undefined && (typeof sshPublicKey !== 'string' || !/^(ssh-|ecdsa-|sk-)/.test(sshPublicKey.trim()))) {
    throw new UsageError('E_SSH_KEY', 'the SSH key does not look like a public key', 'give the .pub file');
  }
  return {
    kernel, source: parseSource(source), type: osType as OsType, release: release as string | undefined,
    packages: packageList(raw.packages), passwordHash, sshPublicKey: sshPublicKey as string | undefined,
    selinux: flag(raw.selinux), optimize: flag(raw.optimize),
  };
}
