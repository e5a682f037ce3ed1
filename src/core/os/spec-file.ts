/**
 * Spec files (`--from-file SPEC.yml`): a YAML mapping of option names, read
 * by `livenet create` and `nfs staging create`. The keys are checked by the
 * OS option parser together with the command line (see recipe.ts).
 */
import { UsageError } from '../../errors/index.js';
import { parseYamlText } from '../yaml-text.js';
import { readInputFile } from '../input-file.js';
import { normalizeOptionKeys } from './recipe.js';

/**
 * Reads a spec file into options (dashes in keys turned to underscores; a
 * `__proto__` key stays an own key, refused later as unknown). Its keys are
 * checked by `requireOsKeys`. Throws UsageError E_FILE_NOT_FOUND, E_NOT_REGULAR_FILE, E_SPEC_INVALID.
 */
export async function readSpecFile(file: string): Promise<Record<string, unknown>> {
  const text = await readInputFile(file, 'the spec file', 'give the path of a readable YAML file');
  let document: unknown;
  try {
    document = parseYamlText(text);
  } catch (error) {
    throw new UsageError('E_SPEC_INVALID', `${file} is not valid YAML: ${(error as Error).message.split('\n')[0]}`, 'fix the file');
  }
  if (!document || typeof document !== 'object' || Array.isArray(document)) {
    throw new UsageError('E_SPEC_INVALID', `${file} must hold a mapping of options`, 'see docs/livenet.md for an example');
  }
  return normalizeOptionKeys(document as Record<string, unknown>);
}
