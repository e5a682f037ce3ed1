/**
 * The one way the tool reads YAML text (config, state, image data, spec
 * files). The `yaml` package's own `parse()` prints warnings on stderr (a
 * five-line `YAMLWarning` for an unknown tag such as `!!foo`) and keeps the
 * raw text of the tagged value; here a warning is an error like any other,
 * so the caller reports it as its usual one-line "invalid file" message.
 */
import { parseDocument } from 'yaml';

/** Options of {@link parseYamlText}. */
export interface YamlTextOptions {
  /** Most alias uses allowed (the `yaml` package's `maxAliasCount`; it defaults to 100). */
  maxAliasCount?: number;
}

/**
 * Parses YAML text into plain values, printing nothing.
 * @throws Error (one-line message) on a syntax error, a warning (unresolved
 *   tag, ...) or too many aliases.
 */
export function parseYamlText(text: string, options: YamlTextOptions = {}): unknown {
  const document = parseDocument(text, { logLevel: 'silent' });
  const problem = document.errors[0] ?? document.warnings[0];
  if (problem) throw new Error((problem.message.split('\n')[0] ?? '').replace(/:\s*$/u, ''));
  return document.toJS(options.maxAliasCount === undefined ? {} : { maxAliasCount: options.maxAliasCount });
}
