/**
 * Where an OS tree comes from: a package manager installing into a folder
 * (`dnf --installroot`, `debootstrap`, `mmdebstrap`), a root-filesystem
 * tarball (`tar:PATH`), an existing tree (`dir:PATH`) or a container image
 * (`docker://`, `oci-archive:`, `docker-archive:`, `oci:`; see oci-pull.ts).
 * Shared by the livenet and NFS modules.
 */
import { mkdir, readFile, stat } from 'node:fs/promises';
import { UnavailableError, UsageError } from '../../errors/index.js';
import { run, which } from '../../system/runner.js';
import { packageManagerCommand } from './package-sets.js';
import { checkDnfPackages, installDnfTree } from './dnf.js';
import type { DnfRepos } from './dnf-repos.js';
import { assertNothingMounted } from '../../system/mount.js';
import { formatOciSource, isOciSourceText, parseOciSource } from './oci-reference.js';
import { pullOciTree } from './oci-pull.js';

export { OS_TYPES, type OciSource, type OsSource, type OsType, type ProvisionRequest, type PullSettings } from './os-request.js';
import type { OsSource, ProvisionRequest } from './os-request.js';

const SOURCE_HINT = 'use dnf, debootstrap, mmdebstrap, tar:/path/to/rootfs.tar, dir:/path/to/tree or docker://REGISTRY/REPO:TAG';

/** Parses a `--source` value; throws UsageError E_SOURCE, or E_OCI_REFERENCE for a container-image source (see `parseOciSource`). */
export function parseSource(spec: string): OsSource {
  const text = spec.trim();
  if (isOciSourceText(text)) return parseOciSource(text);
  if (text === 'dnf' || text === 'debootstrap' || text === 'mmdebstrap') return { kind: text };
  const match = /^(tar|dir):(.+)$/.exec(text);
  if (match?.[1] && match[2]) {
    if (!match[2].startsWith('/')) throw new UsageError('E_SOURCE', `the path in source "${spec}" must be absolute`, SOURCE_HINT);
    return { kind: match[1] as 'tar' | 'dir', path: match[2].replace(/\/+$/, '') || '/' };
  }
  throw new UsageError('E_SOURCE', `unknown OS source "${spec}"`, SOURCE_HINT);
}

/** The text form of a source, as `--source` takes it (and as image data stores it). */
export function formatSource(source: OsSource): string {
  if (source.kind === 'oci') return formatOciSource(source);
  return source.kind === 'tar' || source.kind === 'dir' ? `${source.kind}:${source.path}` : source.kind;
}

/** Fields of the host's /etc/os-release. */
export async function hostOsRelease(file = '/etc/os-release'): Promise<Record<string, string>> {
  const fields: Record<string, string> = {};
  try {
    for (const line of (await readFile(file, 'utf8')).split('\n')) {
      const match = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
      if (match?.[1] && match[2] !== undefined) fields[match[1]] = match[2].replace(/^(["'])(.*)\1$/, '$2');
    }
  } catch { /* no os-release: nothing known */ }
  return fields;
}

function isDebianLike(fields: Record<string, string>): boolean {
  return /\b(debian|ubuntu)\b/.test(`${fields.ID ?? ''} ${fields.ID_LIKE ?? ''}`);
}

/** The source used when none is given: dnf on EL/Fedora, mmdebstrap (or debootstrap) on Debian/Ubuntu. */
export async function defaultSource(): Promise<string> {
  const fields = await hostOsRelease();
  if (isDebianLike(fields)) return (await which('mmdebstrap')) ? 'mmdebstrap' : 'debootstrap';
  return 'dnf';
}

/** The release installed when none is given: the host's own. */
export async function defaultRelease(source: OsSource): Promise<string | undefined> {
  const fields = await hostOsRelease();
  if (source.kind === 'dnf') return fields.VERSION_ID;
  if (source.kind === 'debootstrap' || source.kind === 'mmdebstrap') return fields.VERSION_CODENAME || 'bookworm';
  return undefined;
}

/**
 * Throws UsageError E_PACKAGE_NOT_FOUND unless every name is a plain package
 * name (no option for the package manager, no path). Checked when options are
 * parsed, for every entry point.
 */
export function requirePackageNames(packages: readonly string[]): void {
  const bad = packages.filter((p) => !/^[A-Za-z0-9@][A-Za-z0-9@._+:-]*$/.test(p));
  if (bad.length > 0) throw new UsageError('E_PACKAGE_NOT_FOUND', `invalid package names: ${bad.join(', ')}`, 'give plain package names');
}

async function requireTool(tool: string): Promise<void> {
  if (!(await which(tool))) {
    throw new UnavailableError('E_TOOL_MISSING', `${tool} is not installed on this host`, `install the ${tool} package or choose another --source`);
  }
}

/** Where packages are looked up: dnf's `--repo` repositories, and the scratch folder its lookups run in. */
export interface PackageLookup {
  repos?: DnfRepos;
  /** The root's scratch folder (`Paths.workDir`). */
  scratchDir: string;
  signal?: AbortSignal;
}

/**
 * Checks the source itself (tool installed, tarball or folder present) and
 * that every extra package exists, before anything is built (dnf looks them
 * up in the build's repositories, in a scratch installroot).
 * @throws UsageError E_SOURCE for a missing tar:/dir: source or packages asked
 * from one; UsageError E_PACKAGE_NOT_FOUND for a bad or unknown package name;
 * UnavailableError E_TOOL_MISSING when the package manager is not installed,
 * E_REPO_UNREACHABLE when a dnf repository cannot be read.
 */
export async function checkPackagesExist(source: OsSource, packages: readonly string[], release: string | undefined,
  lookup: PackageLookup): Promise<void> {
  if (source.kind === 'oci') {
    if (packages.length > 0) {
      throw new UsageError('E_SOURCE', 'extra packages cannot be installed from a container image', 'install them in the image, or use a package-manager source');
    }
    return;
  }
  if (source.kind === 'tar' || source.kind === 'dir') {
    const info = await stat(source.path).catch(() => undefined);
    const fits = source.kind === 'tar' ? info?.isFile() : info?.isDirectory();
    if (!fits) throw new UsageError('E_SOURCE', `no such ${source.kind === 'tar' ? 'file' : 'folder'}: ${source.path}`, SOURCE_HINT);
    if (packages.length > 0) {
      throw new UsageError('E_SOURCE', `extra packages cannot be installed from a ${source.kind}: source`,
        'add them to the tree or tarball, or use a package-manager source');
    }
    return;
  }
  await requireTool(source.kind);
  requirePackageNames(packages);
  if (source.kind === 'dnf') {
    await checkDnfPackages(packages, { release: release ?? await defaultRelease(source), repos: lookup.repos }, lookup.scratchDir, lookup.signal);
    return;
  }
  const missing: string[] = [];
  for (const name of packages) {
    const result = await run(['apt-cache', 'show', '--no-all-versions', name], { allowFailure: true, timeoutMs: 300_000, signal: lookup.signal });
    if (result.exitCode !== 0 || result.stdout.trim() === '') missing.push(name);
  }
  if (missing.length > 0) {
    throw new UsageError('E_PACKAGE_NOT_FOUND', `packages not found in the configured repositories: ${missing.join(', ')}`,
      'check the names (and the repositories of this host)');
  }
}

/** What a provisioning tells about its source. */
export interface ProvisionOutcome {
  /** Manifest digest (`sha256:<hex>`) of a container-image source. */
  sourceDigest?: string;
}

/**
 * Fills `target` (created if missing) with an OS tree from the request's
 * source. Owners, modes, links and extended attributes are kept for tar:,
 * dir: and container-image sources (whose layers are applied with their
 * whiteouts); a container image's manifest digest is returned.
 * @throws ConflictError E_TREE_MOUNTED when a dir: source has file systems
 * mounted in it; UnavailableError E_TOOL_MISSING when the package manager is
 * not installed; CommandError (E_COMMAND_FAILED, E_COMMAND_TIMEOUT,
 * E_COMMAND_ABORTED) when the copy or the installation fails; for
 * container images, see `pullOciTree` (E_OCI_NOT_FOUND, E_OCI_UNREACHABLE, E_OCI_ARCHIVE).
 */
export async function provisionTree(target: string, request: ProvisionRequest): Promise<ProvisionOutcome> {
  const { source, signal } = request;
  const log = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line.trim()) request.progress?.({ type: 'log', level: 'debug', message: line.trimEnd() });
    }
  };
  const options = { signal, timeoutMs: 4 * 3600_000, onStdout: log, onStderr: log };
  await mkdir(target, { recursive: true });
  if (source.kind === 'dir') {
    await assertNothingMounted(source.path);
    await run(['cp', '-a', '--sparse=always', `${source.path}/.`, target], options);
    return {};
  }
  if (source.kind === 'oci') return { sourceDigest: await pullOciTree(target, source, request, options) };
  if (source.kind === 'tar') {
    await run(['tar', '--numeric-owner', '--xattrs', '--xattrs-include=*', '--acls', '-xpf', source.path, '-C', target], options);
    return {};
  }
  await requireTool(source.kind);
  const release = request.release ?? await defaultRelease(source);
  if (source.kind === 'dnf') {
    await installDnfTree(target, { ...request, release }, options);
    return {};
  }
  const command = await packageManagerCommand(target, { ...request, release });
  try {
    await run(command.argv, options);
  } finally {
    await command.cleanup();
  }
  return {};
}
