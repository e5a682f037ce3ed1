/**
 * The OS recipe: what an OS image is built from (kernel, source, type,
 * release, packages, password, SSH key, SELinux, optimize), parsed and
 * validated once for every door (command line, spec file, API body, stored
 * recipe of a rebuild). Image-format options (livenet size, compression...)
 * are not OS options: they are handed back untouched to the module, which
 * names them in `moduleKeys`.
 */
import { UsageError } from '../../errors/index.js';
import { InputProblems } from '../input-problems.js';
import { hashClearPassword, requirePasswordHash } from './password.js';
import { nameList, optionalFlag, optionalText, requireKnownKeys } from '../raw-options.js';
import { OS_TYPES, parseSource, requirePackageNames, type OsSource, type OsType } from './sources.js';
import { osKeysFor, osOptionEntry, OS_OPTIONS, type OsOrigin } from './recipe-table.js';
import { requireSshPublicKey } from './ssh-key.js';
import { dnfRepos, parseRepoUrl, type DnfRepos } from './dnf-repos.js';

export type { OsOrigin } from './recipe-table.js';

/** A complete, checked OS recipe: what `provisionTree` and `customizeTree` are given. */
export interface OsRecipe {
  /** Kernel file name (`vmlinuz-<version>`), which must have its initramfs. */
  kernel: string;
  type: OsType;
  source: OsSource;
  /** Release (`--releasever` for dnf, a suite for Debian tools); undefined: the host's. */
  release?: string;
  /** Extra packages (plain names, checked to exist by `checkOsRecipe`). */
  packages: string[];
  /** dnf only: the `--repo` repositories and their signature check; absent: the host's repositories. */
  repos?: DnfRepos;
  /** crypt(3) hash of root's password, or `!` (locked). */
  passwordHash: string;
  /** Text of the SSH public key(s) for root, one key a line. */
  sshKey?: string;
  selinux: boolean;
  optimize: boolean;
  /** docker:// sources: verify the registry's TLS (false for a lab registry); default true. */
  tlsVerify?: boolean;
  /** docker:// sources: absolute path of the containers auth.json (checked by `requireRegistryAuthFile`). */
  registryAuth?: string;
}

/**
 * OS options as parsed, before the files they name are read: the password
 * and the SSH key may still be files, the source may be left to the default
 * (see `resolveOsRecipe`).
 */
export interface OsInput extends Omit<OsRecipe, 'source' | 'passwordHash' | 'sshKey'> {
  source?: OsSource;
  /** Set when a hash or (API) a clear password was given; else exactly one of `passwordFile`, `passwordStdin`. */
  passwordHash?: string;
  passwordFile?: string;
  passwordStdin: boolean;
  sshKey?: string;
  sshKeyFile?: string;
}

/** How to parse: who gives the options, which extra keys the module takes, and what to call them in messages. */
export interface OsParseContext {
  origin: OsOrigin;
  /** Keys of the module's own options (returned in `rest`). */
  moduleKeys?: readonly string[];
  /** Names the options in messages (`compute.yml`, `the options`). */
  where?: string;
}

/** Copy of `raw` with dashes in keys turned to underscores (`password-file` is `password_file`); undefined values dropped. */
export function normalizeOptionKeys(raw: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.getOwnPropertyNames(raw)) {
    const value = raw[key];
    if (value === undefined) continue;
    // defineProperty, not assignment: a `__proto__` key stays an own (hence unknown) key.
    Object.defineProperty(out, key.replace(/-/g, '_'), { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/**
 * Throws UsageError for the first key of `raw` (normalized) that is neither
 * an OS option accepted from `parse.origin` nor a module key: E_UNKNOWN_OPTION
 * naming the nearest key, or, for an OS option given where it is not
 * accepted, a message saying what to give instead (E_PASSWORD for a clear
 * password on the command line, E_UNKNOWN_OPTION otherwise).
 */
export function requireOsKeys(raw: Record<string, unknown>, parse: OsParseContext): void {
  const known = [...osKeysFor(parse.origin), ...(parse.moduleKeys ?? [])];
  const where = parse.where ?? 'the options';
  for (const key of Object.getOwnPropertyNames(raw)) {
    if (known.includes(key)) continue;
    const entry = osOptionEntry(key);
    if (entry?.elsewhere) {
      throw new UsageError(entry.key === 'password' ? 'E_PASSWORD' : 'E_UNKNOWN_OPTION', `"${key}" is not accepted in ${where}`, entry.elsewhere);
    }
  }
  requireKnownKeys(raw, known, where);
}

/** The value given for `key` or one of its aliases (list options: every value, joined). */
function valueOf(raw: Record<string, unknown>, key: string): unknown {
  const entry = OS_OPTIONS.find((e) => e.key === key);
  const keys = [key, ...(entry?.aliases ?? []), ...(entry?.cliAliases ?? [])].filter((k) => raw[k] !== undefined && raw[k] !== null);
  if (!entry?.repeatable) return keys.length === 0 ? undefined : raw[keys[0] as string];
  return keys.flatMap((k) => (Array.isArray(raw[k]) ? raw[k] as unknown[] : [raw[k]]));
}

/**
 * A release as given (a version such as 9 or 9.3, or a suite name such as
 * bookworm); undefined when absent or empty.
 * @throws UsageError E_RELEASE for anything else.
 */
export function parseRelease(value: unknown): string | undefined {
  if (value === undefined || value === '') return undefined;
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string' || !/^[A-Za-z0-9._-]{1,32}$/.test(text)) {
    throw new UsageError('E_RELEASE', `invalid release ${JSON.stringify(value)}`, 'give a version (9, 9.3) or a suite name (bookworm)');
  }
  return text;
}

/** `tls_verify`: a boolean, or `true`/`false` as text (the command line's `--tls-verify=false`). */
function parseTlsVerify(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return true;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new UsageError('E_OPTION_TYPE', `tls_verify (--tls-verify) must be true or false, not ${JSON.stringify(value)}`,
    'give --tls-verify=false (tls_verify: false in a spec file) only for a lab registry served over plain HTTP or a self-signed certificate');
}

/** Registry settings only mean something for a registry source: elsewhere they are refused rather than ignored. */
function requireRegistrySource(source: OsSource | undefined, raw: Record<string, unknown>): void {
  const given = ['registry_auth', 'tls_verify'].filter((key) => raw[key] !== undefined && raw[key] !== null);
  if (given.length > 0 && !(source?.kind === 'oci' && source.transport === 'docker')) {
    const options = given.map((key) => `${key} (--${key.replace('_', '-')})`).join(' and ');
    throw new UsageError('E_SOURCE', `${options} ${given.length > 1 ? 'only apply' : 'only applies'} to a docker:// source`,
      `drop ${given.length > 1 ? 'them' : 'it'}, or give --source docker://REGISTRY/REPO:TAG`);
  }
}

function parseType(value: unknown): OsType {
  if (value === undefined || value === '') return 'core';
  if (typeof value === 'string' && (OS_TYPES as readonly string[]).includes(value)) return value as OsType;
  throw new UsageError('E_OS_TYPE', `invalid OS type ${JSON.stringify(value)}`, `choose one of ${OS_TYPES.join(', ')}`);
}

/** The password as given: a hash (checked), a clear password (API, hashed now), or the file / stdin to read later. */
function parsePassword(raw: Record<string, unknown>): Pick<OsInput, 'passwordHash' | 'passwordFile' | 'passwordStdin'> {
  const passwordStdin = optionalFlag(raw, 'password_stdin');
  const given = ['password_hash', 'password', 'password_file'].filter((k) => raw[k] !== undefined && raw[k] !== null);
  if (passwordStdin) given.push('password_stdin');
  if (given.length === 0) {
    throw new UsageError('E_PASSWORD', 'a root password is required', 'pass --password-file, --password-stdin or --password-hash');
  }
  if (given.length > 1) {
    throw new UsageError('E_PASSWORD', `give one root password, not ${given.join(' and ')}`, 'keep one of them');
  }
  const file = optionalText(raw, 'password_file', 'E_PASSWORD');
  if (file !== undefined) return { passwordFile: file, passwordStdin };
  if (passwordStdin) return { passwordStdin };
  const clear = raw.password;
  if (clear !== undefined) {
    if (typeof clear !== 'string') throw new UsageError('E_PASSWORD', 'the password must be text', 'send it as a string');
    return { passwordHash: hashClearPassword(clear), passwordStdin };
  }
  return { passwordHash: requirePasswordHash(raw.password_hash), passwordStdin };
}

/**
 * Parses and validates raw OS options. Keys may use dashes or underscores;
 * the original's attribute names (`livenet_type`, `additional_packages`,
 * `release_version`) and `--package` are aliases. Values of the wrong type
 * are refused, never replaced by a default. Returns the OS input and the
 * module's own keys (`rest`). Throws UsageError: E_UNKNOWN_OPTION (with the
 * nearest key), E_OPTION_TYPE, E_KERNEL_REQUIRED, E_OS_TYPE, E_SOURCE,
 * E_RELEASE, E_REPO, E_PACKAGE_NOT_FOUND, E_PASSWORD, E_SSH_KEY, E_OCI_REFERENCE,
 * E_REGISTRY_AUTH; several problems
 * are thrown as one (see `InputProblems`), or left in `problems` when given.
 */
export function parseOsOptions(given: Record<string, unknown>, parse: OsParseContext, problems?: InputProblems): {
  input: OsInput; rest: Record<string, unknown>;
} {
  // Every problem is collected, so one run reports them all (thrown here unless the caller collects more).
  const found = problems ?? new InputProblems();
  const raw = normalizeOptionKeys(given);
  found.take(() => requireOsKeys(raw, parse), undefined);
  const rest: Record<string, unknown> = {};
  for (const key of parse.moduleKeys ?? []) if (Object.hasOwn(raw, key)) rest[key] = raw[key];
  const kernel = found.take(() => {
    const text = optionalText(raw, 'kernel', 'E_KERNEL_REQUIRED');
    if (!text) throw new UsageError('E_KERNEL_REQUIRED', 'a kernel is required', 'pass --kernel vmlinuz-<version> (see `disklessset kernel list`)');
    return text;
  }, '');
  const source = found.take(() => {
    const text = optionalText({ source: valueOf(raw, 'source') }, 'source', 'E_SOURCE');
    return text ? parseSource(text) : undefined;
  }, undefined);
  found.take(() => requireRegistrySource(source, raw), undefined);
  const packages = found.take(() => {
    const names = nameList({ packages: valueOf(raw, 'packages') }, 'packages');
    requirePackageNames(names);
    return names;
  }, []);
  const repos = found.take(() => dnfRepos(source?.kind,
    nameList({ repo: valueOf(raw, 'repo') }, 'repo').map((url) => parseRepoUrl(url, 'repo')),
    nameList({ gpg_key: valueOf(raw, 'gpg_key') }, 'gpg_key').map((url) => parseRepoUrl(url, 'gpg_key')),
    optionalFlag(raw, 'nogpgcheck')), undefined);
  const sshKeyFile = found.take(() => optionalText(raw, 'ssh_key', 'E_SSH_KEY') || undefined, undefined);
  const sshKey = found.take(() => {
    const text = optionalText(raw, 'ssh_pub_key', 'E_SSH_KEY');
    if (sshKeyFile !== undefined && text !== undefined) {
      throw new UsageError('E_SSH_KEY', 'give the SSH key once: as a file (ssh_key) or as text (ssh_pub_key)', 'keep one of them');
    }
    return text ? requireSshPublicKey(text, 'the ssh_pub_key option') : undefined;
  }, undefined);
  const input: OsInput = {
    kernel,
    type: found.take(() => parseType(valueOf(raw, 'type')), 'core'),
    source,
    release: found.take(() => parseRelease(valueOf(raw, 'release')), undefined),
    packages,
    ...(repos ? { repos } : {}),
    ...found.take(() => parsePassword(raw), { passwordStdin: false }),
    sshKey,
    sshKeyFile,
    selinux: found.take(() => optionalFlag(raw, 'selinux'), false),
    optimize: found.take(() => optionalFlag(raw, 'optimize'), false),
  };
  // Only set when given: recipes of other sources stay as they were.
  if (!found.take(() => parseTlsVerify(raw.tls_verify), true)) input.tlsVerify = false;
  const registryAuth = found.take(() => optionalText(raw, 'registry_auth', 'E_REGISTRY_AUTH') || undefined, undefined);
  if (registryAuth !== undefined) input.registryAuth = registryAuth;
  if (!problems) found.throwIfAny();
  return { input, rest };
}
