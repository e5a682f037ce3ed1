/**
 * The one way the tool reads and writes YAML text (config, state, image
 * data, spec files). The `yaml` package's own `parse()` prints warnings on
 * stderr (a five-line `YAMLWarning` for an unknown tag such as `!!foo`) and
 * keeps the raw text of the tagged value; here a warning is an error like any
 * other, so the caller reports it as its usual one-line "invalid file" message.
 *
 * The package is loaded on first use, not when the CLI starts: it is about
 * 70 files of CommonJS, and most commands read no YAML at all (an empty
 * installations.yml, no config file, the JSON copy of nodes.yml).
 */
import { createRequire } from 'node:module';

type YamlPackage = typeof import('yaml');
let loaded: YamlPackage | undefined;

/** The `yaml` package, required (synchronously: callers are sync) the first time YAML is read or written. */
function yamlPackage(): YamlPackage {
  loaded ??= createRequire(import.meta.url)('yaml') as YamlPackage;
  return loaded;
}

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
  // Blank text is an empty document (null) for the package too: no need to load it.
  if (text.trim() === '') return null;
  const { isScalar, parseDocument, visit } = yamlPackage();
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

/** Options of {@link stringifyYaml} (those of the `yaml` package that the tool uses). */
export interface YamlStringifyOptions {
  /** Longest line before folding; 0 never folds. */
  lineWidth?: number;
  /** False writes a value met twice in full each time, never as an anchor and alias. */
  aliasDuplicateObjects?: boolean;
}

/** Writes plain values as YAML text. */
export function stringifyYaml(value: unknown, options: YamlStringifyOptions = {}): string {
  return yamlPackage().stringify(value, options);
}
