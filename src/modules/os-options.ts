/**
 * The command-line side of the OS recipe, shared by `livenet create` and
 * `nfs staging create`: their OS flags are built from the one option table
 * (core/os/recipe-table.ts), and both create through `prepareCreation`, the
 * same function the API uses.
 */
import type { Image } from '../core/image/image.js';
import { prepareCreation } from '../core/image/creation.js';
import { OS_OPTIONS, osOptionEntry } from '../core/os/recipe-table.js';
import { normalizeOptionKeys, requireOsKeys } from '../core/os/recipe.js';
import { readSpecFile } from '../core/os/spec-file.js';
import { validateImageName } from '../core/names.js';
import type { CommandContext, OptionSpec, ParsedInput } from './contract.js';

/** `--from-file`: a YAML spec giving any option; the command line overrides it. */
export const FROM_FILE_OPTION: OptionSpec = {
  name: 'from-file', type: 'string', valueName: 'SPEC.yml', description: 'YAML file giving the options (command-line options override it)',
};

/** The OS flags of a create command, from the option table (CLI spellings of aliases included, as flags of their own). */
export function osOptionSpecs(): OptionSpec[] {
  return OS_OPTIONS.filter((entry) => !entry.origins || entry.origins.includes('cli')).flatMap((entry) => {
    const flag = (name: string, description: string): OptionSpec => ({
      name, type: entry.type, description, ...(entry.valueName ? { valueName: entry.valueName } : {}),
      ...(entry.repeatable ? { repeatable: true } : {}), ...(entry.requiredNote ? { requiredNote: entry.requiredNote } : {}),
      ...(entry.choices ? { choices: entry.choices } : {}),
    });
    return [flag(entry.key.replace(/_/g, '-'), entry.help),
      ...(entry.cliAliases ?? []).map((alias) => flag(alias, `same as --${entry.key.replace(/_/g, '-')}`))];
  });
}

/**
 * The command line merged over the spec file: an option given on the
 * command line (under any of its spellings) replaces the file's value. Flags
 * not given (undefined or false) leave the file's value.
 */
function mergeOverSpec(spec: Record<string, unknown>, flags: Record<string, unknown>): Record<string, unknown> {
  const merged = { ...spec };
  for (const [key, value] of Object.entries(flags)) {
    if (value === false) continue;
    const entry = osOptionEntry(key);
    const spellings = entry ? [entry.key, ...(entry.aliases ?? []), ...(entry.cliAliases ?? [])] : [key];
    for (const spelling of spellings) if (!Object.hasOwn(flags, spelling)) delete merged[spelling];
    merged[key] = value;
  }
  return merged;
}

/**
 * Runs a create command of an OS image class: reads `--from-file`, checks its
 * keys (naming the file), merges the command line over it, prepares the
 * creation exactly as the API does, then builds. `moduleKeys` are the
 * class's own option keys. Throws what `prepareCreation` and
 * `ImageManager.create` throw.
 */
export async function createFromCommandLine({ services, io }: CommandContext, className: string, moduleKeys: readonly string[],
  input: ParsedInput): Promise<Image> {
  // The name gate comes first, before any file is read.
  const name = validateImageName(String(input.args.NAME));
  const { 'from-file': fromFile, ...flags } = input.options;
  let spec: Record<string, unknown> = {};
  if (typeof fromFile === 'string') {
    spec = await readSpecFile(fromFile);
    requireOsKeys(spec, { origin: 'cli', moduleKeys, where: fromFile });
  }
  const raw = mergeOverSpec(spec, normalizeOptionKeys(flags));
  const options = await prepareCreation(services.images, className, name, raw,
    { origin: 'cli', readStdin: () => io.readStdin(), signal: io.signal });
  return services.images.create(className, name, options, { progress: io.progress, signal: io.signal });
}
