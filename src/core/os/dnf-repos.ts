/**
 * The repositories a `dnf` source installs from when `--repo` is given, and
 * how their packages are checked (`--gpg-key`, or `--nogpgcheck` said out
 * loud). Parsed once for every door; checked against the host (file:
 * repositories present, inside the API's allowed folders) before a build is
 * registered.
 */
import { realpath, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { UsageError } from '../../errors/index.js';

/** Repositories given with `--repo`: with them, the host's own repository files are never read. */
export interface DnfRepos {
  /** Repository URLs (baseurl), in the order given; dnf variables such as `$releasever` are kept for dnf to expand. */
  urls: string[];
  /** URLs of the public keys packages must be signed with (`gpgkey`); empty when `gpgcheck` is false. */
  gpgKeys: string[];
  /** Whether package signatures are checked (false only when `--nogpgcheck` was given). */
  gpgcheck: boolean;
}

const URL_HINT = 'give a URL such as https://mirror.example/rocky/9/BaseOS/x86_64/os/ or file:///srv/repos/el9';
const PROTOCOLS = new Set(['http:', 'https:', 'ftp:', 'file:']);

/**
 * A repository or key URL as given, checked: http, https, ftp or file
 * (absolute, no host), no credentials (they would be on dnf's command line
 * and in the image data), no blank, comma or control character (dnf reads
 * lists of them separated so).
 * @throws UsageError E_REPO.
 */
export function parseRepoUrl(value: unknown, what: 'repo' | 'gpg_key'): string {
  const label = what === 'repo' ? 'repository' : 'GPG key';
  if (typeof value !== 'string') throw new UsageError('E_REPO', `the ${label} URL must be text, not ${JSON.stringify(value)}`, URL_HINT);
  const text = value.trim();
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError('E_REPO', `invalid ${label} URL ${JSON.stringify(value)}`, URL_HINT);
  }
  if (!PROTOCOLS.has(url.protocol)) {
    throw new UsageError('E_REPO', `${label} URL ${JSON.stringify(text)} uses ${url.protocol}, not http, https, ftp or file`, URL_HINT);
  }
  // eslint-disable-next-line no-control-regex
  if (/[\s,\u0000-\u001f\u007f]/.test(text)) {
    throw new UsageError('E_REPO', `${label} URL ${JSON.stringify(text)} holds a blank, a comma or a control character`, 'percent-encode them (%20, %2C)');
  }
  if (url.username || url.password) {
    throw new UsageError('E_REPO', `${label} URL ${JSON.stringify(url.origin)} carries credentials`,
      'never put a password in a URL (it would be stored and shown): serve the repository without one, or mirror it locally');
  }
  if (url.protocol === 'file:' && (url.host !== '' || !url.pathname.startsWith('/'))) {
    throw new UsageError('E_REPO', `${label} URL ${JSON.stringify(text)} must name an absolute local path`, 'write file:///absolute/path');
  }
  return text;
}

/**
 * The repository settings of a recipe, from the parsed option values, or
 * undefined when no `--repo` was given (dnf then uses the host's
 * repositories). Throws UsageError E_REPO: repositories for another source
 * than dnf, keys or `--nogpgcheck` without a repository, both keys and
 * `--nogpgcheck`, or repositories with neither.
 */
export function dnfRepos(sourceKind: string | undefined, urls: string[], gpgKeys: string[], nogpgcheck: boolean): DnfRepos | undefined {
  if (urls.length === 0) {
    if (gpgKeys.length > 0 || nogpgcheck) {
      throw new UsageError('E_REPO', `${gpgKeys.length > 0 ? '--gpg-key' : '--nogpgcheck'} only applies to repositories given with --repo`,
        'add --repo URL, or drop it (the host\'s repositories carry their own keys)');
    }
    return undefined;
  }
  if (sourceKind !== undefined && sourceKind !== 'dnf') {
    throw new UsageError('E_REPO', `--repo is for the dnf source, not ${sourceKind}`, 'use --source dnf, or drop --repo');
  }
  if (gpgKeys.length > 0 && nogpgcheck) {
    throw new UsageError('E_REPO', 'give --gpg-key or --nogpgcheck, not both', 'keep --gpg-key to check signatures');
  }
  if (gpgKeys.length === 0 && !nogpgcheck) {
    throw new UsageError('E_REPO', 'packages from --repo repositories must be signature-checked',
      'give --gpg-key URL (the repository\'s public key), or --nogpgcheck for an unsigned repository you trust');
  }
  return { urls, gpgKeys, gpgcheck: !nogpgcheck };
}

function atOrBelow(path: string, folder: string): boolean {
  return path === folder || path.startsWith(folder === sep ? sep : `${folder}${sep}`);
}

/** The local path of a file: URL with `$releasever` put in (undefined when other dnf variables remain). */
function localPath(url: string, release: string | undefined): string | undefined {
  const path = decodeURIComponent(new URL(url).pathname);
  const expanded = release === undefined ? path : path.replace(/\$\{?releasever\}?/g, release);
  return expanded.includes('$') ? undefined : expanded;
}

/**
 * Checks the local (file:) repositories and keys: a repository must hold
 * `repodata/repomd.xml`, a key must be a file, and for API requests
 * (`allowedRoots` given) both must lie inside those folders, since the
 * server reads them on the client's behalf.
 * @throws UsageError E_REPO, E_API_PATH_NOT_ALLOWED.
 */
export async function checkLocalRepos(repos: DnfRepos, release: string | undefined, allowedRoots?: readonly string[]): Promise<void> {
  const roots = allowedRoots ? await Promise.all(allowedRoots.map((root) => realpath(root).catch(() => root))) : undefined;
  const local = [...repos.urls.map((url) => ({ url, repo: true })), ...repos.gpgKeys.map((url) => ({ url, repo: false }))]
    .filter(({ url }) => url.startsWith('file:'));
  for (const { url, repo } of local) {
    const path = localPath(url, release);
    if (roots && path === undefined) {
      throw new UsageError('E_API_PATH_NOT_ALLOWED', `${url} uses dnf variables in a local path`, 'write the path out in full');
    }
    if (path === undefined) continue;
    const real = await realpath(path).catch(() => undefined);
    const file = real === undefined ? undefined : repo ? join(real, 'repodata', 'repomd.xml') : real;
    if (!real || !file || !(await stat(file).catch(() => undefined))?.isFile()) {
      throw new UsageError('E_REPO', repo ? `${url} is not a repository (no repodata/repomd.xml)` : `the GPG key ${url} is not a file`,
        repo ? 'give the folder createrepo_c made, or a URL' : 'give the path of the repository\'s public key');
    }
    if (roots && !roots.some((root) => atOrBelow(real, root))) {
      throw new UsageError('E_API_PATH_NOT_ALLOWED', `${url} is outside ${allowedRoots?.join(', ')}`,
        'the API only reads local repositories in those folders; serve it over HTTP or use the CLI');
    }
  }
}
