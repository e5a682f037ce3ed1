/**
 * The `dnf` source: the one command line that installs an EL tree with
 * `dnf --installroot`, the package check run before a build, and dnf's
 * failures turned into typed errors.
 *
 * Every run happens in a scratch folder of ours (`ProvisionRequest.scratchDir`,
 * named with our pid so the next command sweeps it after a kill): it is
 * dnf's HOME (so neither root's `~/.rpmmacros` nor its caches are used), and
 * with `--repo` it holds the empty reposdir and the dnf.conf dnf reads
 * instead of the host's. dnf keeps its cache, logs and history inside the
 * installroot; the metadata cache is removed from the tree once installed.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { OperationError, UnavailableError, UsageError } from '../../errors/index.js';
import { CommandError, run, type RunOptions } from '../../system/runner.js';
import { temporarySibling } from '../state/atomic-file.js';
import { resolveInTree } from './customize.js';
import type { DnfRepos } from './dnf-repos.js';
import type { ProvisionRequest } from './os-request.js';
import { DNF_PACKAGES, packageList } from './package-sets.js';

/** Where the rpm database of an EL tree lives (EL 8 and 9). */
export const EL_RPM_DBPATH = '/var/lib/rpm';

/** A scratch folder for one or more dnf runs. */
export interface DnfSession {
  /** The scratch folder. */
  home: string;
  /** Environment of every dnf run: HOME is the scratch folder. */
  env: Record<string, string>;
  /** With `--repo`: the (empty) reposdir and the dnf.conf given instead of the host's. */
  reposDir: string;
  configFile: string;
  /** Removes the scratch folder. */
  close(): Promise<void>;
}

/** What one dnf call needs besides the packages. */
export interface DnfCall {
  /** The installroot (the tree being built, or a scratch folder for checks). */
  root: string;
  /** `--releasever` (dnf's `$releasever`). */
  release?: string;
  /** Repositories given with `--repo`; undefined: the host's. */
  repos?: DnfRepos;
  session: DnfSession;
}

/**
 * Opens a scratch folder under `scratchDir`. When the host's rpm keeps its
 * database anywhere but an EL place (Debian's rpm uses `~/.rpmdb`), a
 * `.rpmmacros` there sets `%_dbpath` to /var/lib/rpm, so the tree's rpm
 * database is where the tree's own rpm looks for it.
 */
export async function openDnfSession(scratchDir: string): Promise<DnfSession> {
  const home = temporarySibling(join(scratchDir, 'dnf'));
  const reposDir = join(home, 'repos.d');
  await mkdir(reposDir, { recursive: true, mode: 0o700 });
  const close = () => rm(home, { recursive: true, force: true });
  try {
    const env = { HOME: home };
    const configFile = join(home, 'dnf.conf');
    // Only what must not come from the host: a broken repository fails the build instead of being skipped.
    await writeFile(configFile, '[main]\nskip_if_unavailable=False\n');
    const dbpath = (await run(['rpm', '--eval', '%{_dbpath}'], { env, timeoutMs: 30_000 })).stdout.trim();
    if (!/^\/(var\/lib\/rpm|usr\/lib\/sysimage\/rpm)\/?$/.test(dbpath)) {
      await writeFile(join(home, '.rpmmacros'), `%_dbpath ${EL_RPM_DBPATH}\n`);
    }
    return { home, env, reposDir, configFile, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** The repository id dnf is given for the `index`-th `--repo`. */
export function repoId(index: number): string {
  return `disklessset-${index + 1}`;
}

/**
 * The options every dnf call of a build passes: installroot, releasever, no
 * skipping of broken repositories and, with `--repo`, the isolation from the
 * host (our dnf.conf and an empty reposdir, no plugins) and each repository
 * with its signature check.
 */
export function dnfCommonArgs(call: DnfCall): string[] {
  const args = ['--installroot', call.root, ...(call.release ? ['--releasever', call.release] : []),
    '--setopt=skip_if_unavailable=False'];
  if (!call.repos) return args;
  args.push(`--config=${call.session.configFile}`, `--setopt=reposdir=${call.session.reposDir}`, '--noplugins');
  call.repos.urls.forEach((url, index) => {
    const id = repoId(index);
    args.push(`--repofrompath=${id},${url}`, `--setopt=${id}.gpgcheck=${call.repos?.gpgcheck ? 1 : 0}`);
    if (call.repos?.gpgcheck) args.push(`--setopt=${id}.gpgkey=${call.repos.gpgKeys.join(' ')}`);
  });
  return args;
}

/** Options of `dnf install` for "optimize": no weak dependencies, documentation or translations. */
export const DNF_OPTIMIZE = ['--setopt=install_weak_deps=False', '--setopt=tsflags=nodocs', '--exclude=*-langpack-*', '--exclude=*-doc'];

/** The install command: `packages` may name groups as `@id`. */
export function dnfInstallArgv(call: DnfCall, packages: readonly string[], optimize: boolean): string[] {
  return ['dnf', 'install', '-y', ...dnfCommonArgs(call), ...(optimize ? DNF_OPTIMIZE : []), ...packages];
}

/** Names dnf said it could not find (packages, and groups as `@id`). */
function missingNames(text: string): string[] {
  const names = [...text.matchAll(/Unable to find a match: (.+)/g)].flatMap((m) => (m[1] ?? '').trim().split(/\s+/));
  names.push(...[...text.matchAll(/No match for argument: (\S+)/g)].map((m) => m[1] ?? ''));
  names.push(...[...text.matchAll(/Module or Group '([^']+)' is not available/g)].map((m) => `@${m[1] ?? ''}`));
  return [...new Set(names.filter((n) => n !== ''))];
}

/**
 * The typed error of a failed dnf run, read from its output: an unreachable
 * or broken repository (UnavailableError E_REPO_UNREACHABLE), packages or
 * groups missing from the repositories (UsageError E_PACKAGE_NOT_FOUND), a
 * signature check that failed (OperationError E_PACKAGE_SIGNATURE); any other
 * failure is returned as it is. The messages keep the command and its exit code.
 */
export function dnfFailure(error: unknown, output: string, repos?: DnfRepos): unknown {
  if (!(error instanceof CommandError) || error.failure !== 'exit-code') return error;
  const text = `${output}\n${error.stderr}`;
  // `dnf install`, `dnf repoquery`: the subcommand is the first word that is not an option.
  const command = `dnf ${error.command.slice(1).find((arg) => !arg.startsWith('-')) ?? ''} exited with ${error.exitCode}`;
  const repo = /Failed to download metadata for repo '([^']+)'(?::\s*(.*))?/.exec(text);
  if (repo || /Cannot download repomd\.xml/.test(text)) {
    const index = repo?.[1]?.startsWith('disklessset-') ? Number(repo[1].slice('disklessset-'.length)) - 1 : -1;
    const which = repos?.urls[index] ?? repo?.[1];
    const why = (repo?.[2] ?? '').trim().slice(0, 200);
    return new UnavailableError('E_REPO_UNREACHABLE', `${command}: ${which ? `repository ${which}` : 'a repository'} could not be read${why ? ` (${why})` : ''}`,
      'check the --repo URL and that its server answers (or the host\'s repository files)');
  }
  if (/No enabled repositor|There are no enabled repositories/i.test(text)) {
    return new UsageError('E_REPO', `${command}: no repository is configured`, 'give --repo URL (repeatable), or configure repositories on this host');
  }
  const missing = missingNames(text);
  if (missing.length > 0) {
    return new UsageError('E_PACKAGE_NOT_FOUND', `${command}: not found in the repositories: ${missing.join(', ')}`,
      'check the names, the --type and the --repo repositories');
  }
  if (/GPG check FAILED|is not signed|Public key for .* is not installed|public key .* not installed/i.test(text)) {
    return new OperationError('E_PACKAGE_SIGNATURE', `${command}: package signatures could not be verified`,
      'give the repository\'s key with --gpg-key, or --nogpgcheck for an unsigned repository you trust', { cause: error });
  }
  return error;
}

/** Runs one dnf command; its failure is thrown as {@link dnfFailure} maps it. */
export async function runDnf(argv: string[], call: DnfCall, options: RunOptions): Promise<void> {
  let output = '';
  const keep = (chunk: Buffer) => { output = `${output}${chunk.toString('utf8')}`.slice(-65_536); };
  try {
    await run(argv, {
      ...options, env: { ...options.env, ...call.session.env },
      onStdout: (chunk) => { keep(chunk); options.onStdout?.(chunk); },
    });
  } catch (error) {
    throw dnfFailure(error, output, call.repos);
  }
}

/** Removes dnf's metadata cache from an installed tree (a node never needs it; a real EL mirror's is hundreds of MiB). */
export async function dropDnfCache(tree: string): Promise<void> {
  await rm(await resolveInTree(tree, '/var/cache/dnf'), { recursive: true, force: true });
}

/**
 * Throws UsageError E_PACKAGE_NOT_FOUND naming the `packages` no repository
 * provides, looked up with the options of the build (same repositories,
 * releasever), in a scratch installroot: nothing of the host is written.
 * Also throws what {@link dnfFailure} maps (an unreachable repository).
 */
export async function checkDnfPackages(packages: readonly string[], call: Omit<DnfCall, 'root' | 'session'>, scratchDir: string,
  signal?: AbortSignal): Promise<void> {
  if (packages.length === 0) return;
  const session = await openDnfSession(scratchDir);
  try {
    const missing: string[] = [];
    for (const name of packages) {
      const argv = ['dnf', '-q', 'repoquery', ...dnfCommonArgs({ ...call, root: join(session.home, 'root'), session }),
        '--whatprovides', name];
      const result = await run(argv, { env: session.env, allowFailure: true, timeoutMs: 600_000, signal });
      // A failed lookup is not a missing package: it is thrown as the build would throw it.
      if (result.exitCode !== 0) throw dnfFailure(new CommandError(argv, 'exit-code', result.stderr, result.exitCode), result.stdout, call.repos);
      if (result.stdout.trim() === '') missing.push(name);
    }
    if (missing.length > 0) {
      throw new UsageError('E_PACKAGE_NOT_FOUND', `packages not found in the repositories: ${missing.join(', ')}`,
        call.repos ? 'check the names and the --repo repositories' : 'check the names (and the repositories of this host)');
    }
  } finally {
    await session.close();
  }
}

/**
 * Installs the request's package set (its type's, with `@groups`, and its
 * extra packages) into `target` with dnf, then drops the metadata cache.
 * Throws what {@link runDnf} throws.
 */
export async function installDnfTree(target: string, request: ProvisionRequest, options: RunOptions): Promise<void> {
  const session = await openDnfSession(request.scratchDir);
  try {
    const call: DnfCall = { root: target, release: request.release, repos: request.repos, session };
    await runDnf(dnfInstallArgv(call, packageList(request, DNF_PACKAGES), request.optimize ?? false), call, options);
    await dropDnfCache(target);
  } finally {
    await session.close();
  }
}
