/**
 * Everything checked before a livenet build is registered, for the command
 * line, the menu and the API alike (through `prepareCreation`): a bad
 * option, an unreadable file, an unavailable kernel, an unusable source or a
 * missing package is a UsageError (exit code 2, HTTP 422) and nothing is
 * written. Also the recipe read back for a rebuild.
 */
import type { ImageContext } from '../../core/image/context.js';
import type { CreationRequest } from '../../core/image/image.js';
import type { ImageData } from '../../core/image/image-data.js';
import { parseOsOptions } from '../../core/os/recipe.js';
import { legacyKey, recipeFromData } from '../../core/os/recipe-data.js';
import { checkOsRecipe, resolveOsRecipe } from '../../core/os/recipe-prepare.js';
import { stat } from 'node:fs/promises';
import { InputProblems } from '../../core/input-problems.js';
import type { OsSource } from '../../core/os/sources.js';
import { neededMiB, treeTooBig, treeUsage } from './rootfs.js';
import { LIVENET_FORMAT_KEYS, parseLivenetFormat, type LivenetOptions } from './options.js';

/**
 * Turns raw options (command line merged over a spec file, or an API body)
 * into checked livenet options: OS options through the shared recipe parser,
 * size/compression/layout here, files read, then kernel, source and packages
 * checked on the host. Throws UsageError (see `parseOsOptions`,
 * `parseLivenetFormat`, `checkOsRecipe`).
 */
export async function prepareLivenet(context: ImageContext, raw: Record<string, unknown>, request: CreationRequest): Promise<LivenetOptions> {
  // Every bad option is reported in the same run, then every host problem (kernel, source, size), before any work.
  const problems = new InputProblems();
  const { input, rest } = parseOsOptions(raw, { origin: request.origin, moduleKeys: LIVENET_FORMAT_KEYS }, problems);
  const format = problems.take(() => parseLivenetFormat(rest), undefined);
  problems.throwIfAny();
  const options: LivenetOptions = { ...await resolveOsRecipe(input, request), ...(format as LivenetOptions) };
  await checkOsRecipe(context, options, request, problems);
  if (problems.count === 0) await problems.check(() => checkSourceFits(options));
  problems.throwIfAny();
  return options;
}

/** Size of a tar: or dir: source in MiB once in ext4, or undefined when it cannot be told before the build. */
async function sourceNeedsMiB(source: OsSource, signal?: AbortSignal): Promise<number | undefined> {
  if (source.kind === 'dir') return neededMiB(await treeUsage(source.path, signal));
  // A plain tarball's size is close to its tree's; a compressed one's is not, and unpacking it just to measure is the build's work.
  if (source.kind === 'tar' && /\.tar$/i.test(source.path)) {
    const bytes = (await stat(source.path)).size;
    return neededMiB({ bytes, entries: 0 });
  }
  return undefined;
}

/**
 * Refuses a liveos size that cannot hold the source tree, measured before
 * anything is copied (dir: with du, a plain .tar by its size; package-manager
 * and compressed sources are measured by the build). Throws UsageError
 * E_TREE_TOO_BIG naming the size to pass.
 */
export async function checkSourceFits(options: LivenetOptions, signal?: AbortSignal): Promise<void> {
  if (options.layout !== 'liveos') return;
  const needed = await sourceNeedsMiB(options.source, signal);
  if (needed !== undefined && needed > options.sizeMiB) throw treeTooBig(options.sizeMiB, needed);
}

/**
 * The options an image was built with, read back from its image_data.yml
 * (images of the original tool included), with warnings about what cannot
 * be rebuilt the same way. Throws UsageError for a recipe that no longer parses.
 */
export async function optionsFromRecipe(data: ImageData): Promise<{ options: LivenetOptions; warnings: string[] }> {
  const { input, rest, legacyKeyFile } = recipeFromData(data, LIVENET_FORMAT_KEYS);
  const warnings: string[] = [];
  if (legacyKeyFile !== undefined) {
    const legacy = await legacyKey(legacyKeyFile);
    input.sshKey = legacy.sshKey;
    if (legacy.warning) warnings.push(legacy.warning);
  }
  return { options: { ...await resolveOsRecipe(input), ...parseLivenetFormat(rest) }, warnings };
}
