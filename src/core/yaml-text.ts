/**
 * The one way the tool reads YAML text (config, state, image data, spec
 * files). The `yaml` package's own `parse()` prints warnings on stderr (a
 * five-line `YAMLWarning` for an unknown tag such as `!!foo`) and keeps the
 * raw text of the tagged value; here a warning is an error like any other,
 * so the caller reports it as its usual one-line "invalid file" message.
 */
import { isScalar, parseDocument, visit } from 'yaml';

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
  // The package's own duplicate-key check compares each key with every key before it:
  // quadratic, 13 s for a map of 10,000 nodes. The same check, in linear time, follows.
  const document = parseDocument(text, { logLevel: 'silent', uniqueKeys: false });
  const problem = document.errors[0] ?? document.warnings[0];
  if (problem) throw new Error((problem.message.split('\n')[0] ?? '').replace(/:\s*$/u, ''));
  visit(document, {
    Map(_key, map) {
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        const key = isScalar(pair.key) ? pair.key.value : String(pair.key);
        if (seen.has(key)) throw new Error(`map keys must be unique; "${String(key)}" is repeated`);
        seen.add(key);
      }
    },
  });
  return document.toJS(options.maxAliasCount === undefined ? {} : { maxAliasCount: options.maxAliasCount });
}
