/** What the rebuild and rollback commands (livenet's and `image ...`) say and accept about versions: one wording for both. */
import { UsageError } from '../errors/index.js';
import type { RollbackOutcome } from '../core/image/version-operations.js';
import type { OptionSpec } from './contract.js';

/** `--registry-auth FILE` of a rebuild: a recipe never keeps the auth file given at creation. */
export const REBUILD_REGISTRY_AUTH_OPTION: OptionSpec = {
  name: 'registry-auth', type: 'string', valueName: 'FILE',
  description: 'containers auth.json for an image pulled from a private docker:// registry (owned by root, mode 0600; used for this rebuild only, never stored)',
};

/** `--to`: the version to go back to. */
export const ROLLBACK_TARGET_OPTION: OptionSpec = {
  name: 'to', type: 'string', description: 'version to boot again: previous (the one before the last publication) or a version id (ID or NAME@ID, as history lists it; required)', valueName: 'VERSION',
};

/**
 * The `--to` value, required: an explicit target keeps a bare `rollback` from being a silent toggle.
 * @throws UsageError E_ROLLBACK_TARGET when it is missing (a bad value is refused by the rollback itself).
 */
export function rollbackTarget(image: string, to: unknown): string {
  if (typeof to !== 'string' || to === '') {
    throw new UsageError('E_ROLLBACK_TARGET', 'rollback needs a target',
      `use \`disklessset image rollback ${image} --to previous\` or --to VERSION from \`disklessset image history ${image}\` (running it again changes nothing)`);
  }
  return to;
}

/** One line about a rollback. */
export function rollbackText(image: string, outcome: RollbackOutcome): string {
  return outcome.changed ? `image ${image} rolled back from version ${outcome.from ?? '(none)'} to ${outcome.version}`
    : `image ${image} already boots version ${outcome.version}: nothing changed`;
}

/** One line about a rebuild. */
export function rebuildText(image: string, outcome: { unchanged?: boolean; version?: string }): string {
  if (outcome.unchanged) return `image ${image} rebuilt: unchanged (same bytes as version ${outcome.version}), no new version kept`;
  return outcome.version ? `image ${image} rebuilt as version ${outcome.version}` : `image ${image} rebuilt`;
}
