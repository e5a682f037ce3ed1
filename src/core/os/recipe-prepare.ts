/**
 * From parsed OS options to a recipe ready to build: the files they name are
 * read (password, SSH key), the default source is chosen, then everything
 * the host can tell is checked before a build is registered (kernel, source,
 * packages). Livenet, NFS staging, their CLI commands and the API all go
 * through these two functions.
 */
import { DisklessError, UsageError } from '../../errors/index.js';
import { InputProblems } from '../input-problems.js';
import type { KernelManager } from '../kernel/kernel-manager.js';
import type { Paths } from '../paths.js';
import { readPasswordInput } from './password.js';
import type { OsInput, OsRecipe } from './recipe.js';
import { checkSourceUsable, sourceScope } from './source-checks.js';
import { checkPackagesExist, defaultSource, parseSource } from './sources.js';
import { readSshKeyFile } from './ssh-key.js';
import { checkLocalRepos } from './dnf-repos.js';
import { requireRegistryAuthFile } from './registry-auth.js';

/**
 * Adds to a kept recipe the registry auth file given for one rebuild (a
 * recipe never stores it): checked as at creation, path made absolute.
 * @throws UsageError E_SOURCE when the recipe's source is no docker:// one; E_REGISTRY_AUTH, E_FILE_NOT_FOUND, E_NOT_REGULAR_FILE.
 */
export async function withRegistryAuth(recipe: OsRecipe, file: string | undefined): Promise<OsRecipe> {
  if (file === undefined) return recipe;
  if (!(recipe.source.kind === 'oci' && recipe.source.transport === 'docker')) {
    throw new UsageError('E_SOURCE', 'registry_auth only applies to a docker:// source', 'drop --registry-auth: this image is not built from a registry');
  }
  return { ...recipe, registryAuth: await requireRegistryAuthFile(file) };
}

/** What resolving may use: stdin for `--password-stdin`. */
export interface ResolveIo {
  readStdin?: () => Promise<string>;
}

/**
 * Reads the password file or stdin (hashing at once) and the SSH key file,
 * checks the registry auth file (its path made absolute), and picks the
 * host's default source (`defaultSource`) when none was given.
 * Throws UsageError E_PASSWORD, E_FILE_NOT_FOUND, E_NOT_REGULAR_FILE, E_SSH_KEY, E_REGISTRY_AUTH.
 */
export async function resolveOsRecipe(input: OsInput, io: ResolveIo = {}): Promise<OsRecipe> {
  const { passwordFile, passwordStdin, sshKeyFile, ...rest } = input;
  const passwordHash = input.passwordHash ?? await readPasswordInput({
    file: passwordFile, stdin: passwordStdin ? await (io.readStdin?.() ?? Promise.resolve('')) : undefined,
  });
  const sshKey = input.sshKey ?? (sshKeyFile ? await readSshKeyFile(sshKeyFile) : undefined);
  const recipe: OsRecipe = { ...rest, source: input.source ?? parseSource(await defaultSource()), passwordHash, sshKey };
  if (input.registryAuth !== undefined) recipe.registryAuth = await requireRegistryAuthFile(input.registryAuth);
  return recipe;
}

/** What the host checks need. */
export interface OsCheckContext {
  readonly paths: Paths;
  readonly kernels: KernelManager;
}

/** Throws unless `kernel` has its initramfs; a missing kernel is the user's input error here (UsageError, same code). */
export async function requireKernel(context: OsCheckContext, kernel: string): Promise<void> {
  try {
    await context.kernels.requireAvailable(kernel);
  } catch (error) {
    if (error instanceof DisklessError && error.kind === 'not-found') throw new UsageError(error.code, error.message, error.hint);
    throw error;
  }
}

/** `--repo` only with the dnf source (also when it was the host's default), its local repositories present and allowed. */
async function checkRepos(recipe: OsRecipe, sourceRoots?: readonly string[]): Promise<void> {
  if (!recipe.repos) return;
  if (recipe.source.kind !== 'dnf') {
    throw new UsageError('E_REPO', `--repo is for the dnf source, not ${recipe.source.kind}`, 'use --source dnf, or drop --repo');
  }
  await checkLocalRepos(recipe.repos, recipe.release, sourceRoots);
}

/**
 * The host checks of a recipe, in order: kernel available, source usable
 * (tar:/dir: confined to `sourceRoots` when given, see `checkSourceUsable`),
 * local `--repo` repositories present (and confined the same way), extra
 * packages found by the source's package manager. Throws UsageError
 * (E_KERNEL_NOT_FOUND, E_KERNEL_UNAVAILABLE, E_SOURCE, E_API_PATH_NOT_ALLOWED,
 * E_REPO, E_PACKAGE_NOT_FOUND) or UnavailableError (E_TOOL_MISSING,
 * E_REPO_UNREACHABLE); problems are
 * left in `problems` when given (the caller throws them with its own).
 */
export async function checkOsRecipe(context: OsCheckContext, recipe: OsRecipe,
  scope: { sourceRoots?: readonly string[]; signal?: AbortSignal } = {}, problems?: InputProblems): Promise<void> {
  // The kernel and the source are both reported when both are wrong; packages are only looked up in a usable source.
  const found = problems ?? new InputProblems();
  await found.check(() => requireKernel(context, recipe.kernel));
  await found.check(() => checkSourceUsable(recipe.source, sourceScope(context.paths, scope.sourceRoots)));
  await found.check(() => checkRepos(recipe, scope.sourceRoots));
  if (found.count === 0) {
    await checkPackagesExist(recipe.source, recipe.packages, recipe.release,
      { repos: recipe.repos, scratchDir: context.paths.workDir, signal: scope.signal });
  }
  if (!problems) found.throwIfAny();
}
