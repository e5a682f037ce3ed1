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
import { LIVENET_FORMAT_KEYS, parseLivenetFormat, type LivenetOptions } from './options.js';

/**
 * Turns raw options (command line merged over a spec file, or an API body)
 * into checked livenet options: OS options through the shared recipe parser,
 * size/compression/layout here, files read, then kernel, source and packages
 * checked on the host. Throws UsageError (see `parseOsOptions`,
 * `parseLivenetFormat`, `checkOsRecipe`).
 */
export async function prepareLivenet(context: ImageContext, raw: Record<string, unknown>, request: CreationRequest): Promise<LivenetOptions> {
  const { input, rest } = parseOsOptions(raw, { origin: request.origin, moduleKeys: LIVENET_FORMAT_KEYS });
  const format = parseLivenetFormat(rest);
  const options: LivenetOptions = { ...await resolveOsRecipe(input, request), ...format };
  await checkOsRecipe(context, options, request);
  return options;
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
