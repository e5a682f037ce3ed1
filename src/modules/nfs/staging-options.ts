/**
 * Options of a staging image: exactly the shared OS recipe
 * (core/os/recipe.ts), with no option of its own, checked the same way for
 * the CLI, the menu and the API.
 */
import type { ImageContext } from '../../core/image/context.js';
import type { CreationRequest } from '../../core/image/image.js';
import { parseOsOptions, type OsRecipe } from '../../core/os/recipe.js';
import { checkOsRecipe, resolveOsRecipe } from '../../core/os/recipe-prepare.js';

/** What `NfsStagingImage` creation takes. */
export type StagingOptions = OsRecipe;

/**
 * Turns raw options (command line merged over a spec file, or an API body)
 * into a checked recipe: parsed, files read, then kernel, source and
 * packages checked on the host. Throws UsageError (see `parseOsOptions`, `checkOsRecipe`).
 */
export async function prepareStaging(context: ImageContext, raw: Record<string, unknown>, request: CreationRequest): Promise<StagingOptions> {
  const { input } = parseOsOptions(raw, { origin: request.origin });
  const recipe = await resolveOsRecipe(input, request);
  await checkOsRecipe(context, recipe, request);
  return recipe;
}
