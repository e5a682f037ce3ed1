/**
 * The one table of OS options: every image class that installs an OS (livenet,
 * NFS staging) accepts exactly these, under these names, whether they come
 * from the command line, a spec file (`--from-file`) or an API body. The CLI
 * commands build their OS flags from it; the parser (recipe.ts) reads
 * raw values with it.
 */
import { OS_TYPES } from './os-request.js';

/**
 * Who gives the options. `cli`: command-line flags and spec files, read by
 * the user's own process, so files of this host may be named (password file,
 * SSH key file). `api`: an HTTP body, run by the server, so no file of the
 * server is ever read on its behalf.
 */
export type OsOrigin = 'cli' | 'api';

/** One OS option. */
export interface OsOptionEntry {
  /** Key in spec files and API bodies (snake_case); the CLI flag is the same with dashes. */
  key: string;
  /** Flag shape on the command line. */
  type: 'string' | 'boolean';
  /** Placeholder of the value in help. */
  valueName?: string;
  /** Help text (CLI help, docs). */
  help: string;
  /** The flag may be repeated (values are joined). */
  repeatable?: boolean;
  /** Other keys read as this one in spec files, API bodies and stored recipes (the original tool's attribute names). */
  aliases?: readonly string[];
  /** Other command-line spellings, kept working as flags of their own. */
  cliAliases?: readonly string[];
  /** Where the option is accepted (default: everywhere). */
  origins?: readonly OsOrigin[];
  /** Why the option is refused where it is not accepted, and what to give instead. */
  elsewhere?: string;
  /** When the create commands refuse to run without it, as help says it (see `OptionSpec.requiredNote`). */
  requiredNote?: string;
  /** The only values the option takes (offered by shell completion). */
  choices?: readonly string[];
}

/** The OS options, in help order. */
export const OS_OPTIONS: readonly OsOptionEntry[] = [
  { key: 'kernel', type: 'string', valueName: 'vmlinuz-VERSION', help: 'kernel to boot (must have its initramfs, see `disklessset kernel list`)',
    requiredNote: 'required, here or in --from-file' },
  { key: 'type', type: 'string', valueName: 'TYPE', help: 'core, small or standard (default core)', aliases: ['livenet_type', 'os_type'],
    choices: OS_TYPES },
  {
    key: 'source', type: 'string', valueName: 'SOURCE',
    help: 'dnf, debootstrap, mmdebstrap, tar:PATH, dir:PATH, docker://REGISTRY/REPO:TAG, oci-archive:PATH, docker-archive:PATH or oci:DIR[:TAG] (default: the host\'s package manager)',
  },
  {
    key: 'registry_auth', type: 'string', valueName: 'FILE', origins: ['cli'],
    help: 'containers auth.json for a docker:// source (owned by root, mode 0600)',
    elsewhere: 'the API reads no file of the server: build from a registry that needs no login, or use the CLI',
  },
  { key: 'tls_verify', type: 'string', valueName: 'true|false', choices: ['true', 'false'],
    help: 'verify the TLS of a docker:// source\'s registry (false: a lab registry over plain HTTP or self-signed)' },
  { key: 'release', type: 'string', valueName: 'VERSION', help: 'release to install (dnf --releasever, or a Debian suite); default the host\'s', aliases: ['release_version'] },
  {
    key: 'repo', type: 'string', valueName: 'URL', repeatable: true, aliases: ['repos'],
    help: 'dnf: install from this repository, never the host\'s (http, https, ftp or file URL; $releasever allowed; repeatable)',
  },
  {
    key: 'gpg_key', type: 'string', valueName: 'URL', repeatable: true, aliases: ['gpg_keys'],
    help: 'dnf: public key the --repo packages must be signed with (repeatable)',
  },
  { key: 'nogpgcheck', type: 'boolean', help: 'dnf: install unsigned packages from the --repo repositories (one you trust)' },
  {
    key: 'packages', type: 'string', valueName: 'A,B', repeatable: true, aliases: ['additional_packages'], cliAliases: ['package'],
    help: 'extra packages, comma-separated or repeated (checked to exist before the build)',
  },
  {
    key: 'password_file', type: 'string', valueName: 'FILE', help: 'file whose first line is the root password', origins: ['cli'],
    requiredNote: 'required: one of --password-file, --password-stdin, --password-hash',
    elsewhere: 'the API reads no file of the server: send password (clear, hashed at once) or password_hash',
  },
  {
    key: 'password_stdin', type: 'boolean', help: 'read the root password from stdin', origins: ['cli'],
    requiredNote: 'required: one of --password-file, --password-stdin, --password-hash',
    elsewhere: 'send password (clear, hashed at once) or password_hash',
  },
  { key: 'password_hash', type: 'string', valueName: 'HASH', help: 'root password as a crypt(3) hash ($6$..., $y$...) or ! (locked)',
    requiredNote: 'required: one of --password-file, --password-stdin, --password-hash' },
  {
    key: 'password', type: 'string', help: 'root password in clear (API only; hashed at once, never stored)', origins: ['api'],
    elsewhere: 'clear passwords are not accepted as options: use --password-file, --password-stdin or --password-hash',
  },
  {
    key: 'ssh_key', type: 'string', valueName: 'FILE.pub', help: 'SSH public key file for root\'s authorized_keys', origins: ['cli'],
    elsewhere: 'the API reads no file of the server: send the key itself as ssh_pub_key',
  },
  { key: 'ssh_pub_key', type: 'string', valueName: 'KEY', help: 'SSH public key text for root\'s authorized_keys (instead of a file)' },
  { key: 'selinux', type: 'boolean', help: 'enable SELinux (relabel at first boot, selinux=1 on the kernel line)' },
  { key: 'optimize', type: 'boolean', help: 'leave out documentation, locales and weak dependencies' },
];

/** The entry of `key` or of one of its aliases. */
export function osOptionEntry(key: string): OsOptionEntry | undefined {
  return OS_OPTIONS.find((entry) => entry.key === key || entry.aliases?.includes(key) || entry.cliAliases?.includes(key));
}

/** Keys (and aliases) accepted from `origin`. */
export function osKeysFor(origin: OsOrigin): string[] {
  return OS_OPTIONS.filter((entry) => !entry.origins || entry.origins.includes(origin))
    .flatMap((entry) => [entry.key, ...(entry.aliases ?? []), ...(origin === 'cli' ? entry.cliAliases ?? [] : [])]);
}
