/**
 * The YAML text of nodes.yml's fixed layout (maps of names to entries whose
 * values are text, lists of text, maps of text and booleans), without the
 * `yaml` package's document model: building that model for 10,000 nodes took
 * most of the time of a one-node change (and loading the package, a tenth of
 * a second more). The text is the one the package writes with the
 * inventory's options (block style, indent 2, no folding), byte for byte
 * (test/core/nodes/inventory-yaml.test.ts compares them), because:
 *
 * - the layout (`key:`, nested maps indented by two, `- item` under a key,
 *   `{}` and `[]` when empty) is the package's own for these shapes;
 * - a scalar is written as it is only when it is plainly text in YAML 1.2:
 *   a word starting with a letter or `_` made of letters, digits and `_./+-`
 *   that is not `null`, `true` or `false` in any spelling the core schema
 *   reads, a dotted-quad IPv4 address, or a MAC address. Any other scalar
 *   is written by the package itself, as a map's value (memoised per
 *   value, so a value shared by many nodes costs one call);
 * - anything else (a name needing quotes, a multi-line value, a shape the
 *   layout does not know) gives undefined, and the caller lets the package
 *   write the whole file.
 */
import { stringifyYaml, type YamlStringifyOptions } from '../yaml-text.js';

const WORD = /^[A-Za-z_][A-Za-z0-9_./+-]*$/;
const KEYWORD = /^(?:[Nn]ull|NULL|[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;
const MAC = /^[0-9a-f]{2}(?::[0-9a-f]{2}){5}$/;

/** Thrown inside the writer when the fixed layout cannot say a value: the package writes the file instead. */
class NotInLayout extends Error {}

const isWord = (text: string): boolean => WORD.test(text) && !KEYWORD.test(text);

/** A node's text from an earlier writing (inventory-blocks.ts), or undefined to write it. */
export type NodeBlock = (name: string) => string | undefined;

class Writer {
  readonly lines: string[] = [];
  private readonly written = new Map<string, string>();

  constructor(private readonly options: YamlStringifyOptions, private readonly block?: NodeBlock) {}

  private scalar(value: unknown): string {
    if (typeof value === 'boolean') return String(value);
    if (typeof value !== 'string') throw new NotInLayout();
    if (isWord(value) || IPV4.test(value) || MAC.test(value)) return value;
    let text = this.written.get(value);
    if (text === undefined) {
      // Written as a map's value, where it stands in the file (alone, `--- x` would need quotes it does not need there).
      const entry = stringifyYaml({ v: value }, this.options);
      // A block scalar (`|-` and indented lines) depends on its indentation: left to the package.
      if (!entry.startsWith('v: ') || entry.indexOf('\n') !== entry.length - 1) throw new NotInLayout();
      text = entry.slice('v: '.length, -1);
      this.written.set(value, text);
    }
    return text;
  }

  map(map: object, indent: string): void {
    for (const [key, value] of Object.entries(map)) {
      if (value === undefined) continue;
      if (!isWord(key)) throw new NotInLayout();
      if (Array.isArray(value)) {
        if (value.length === 0) {
          this.lines.push(`${indent}${key}: []`);
          continue;
        }
        this.lines.push(`${indent}${key}:`);
        for (const item of value) this.lines.push(`${indent}  - ${this.scalar(item)}`);
      } else if (typeof value === 'object' && value !== null) {
        if (Object.keys(value).length === 0) {
          this.lines.push(`${indent}${key}: {}`);
          continue;
        }
        this.lines.push(`${indent}${key}:`);
        if (indent === '' && key === 'nodes' && this.block) this.nodes(value as Record<string, unknown>, this.block);
        else this.map(value, `${indent}  `);
      } else {
        this.lines.push(`${indent}${key}: ${this.scalar(value)}`);
      }
    }
  }

  /** The `nodes` section: each node's earlier text when `block` has it, else written. */
  private nodes(nodes: Record<string, unknown>, block: NodeBlock): void {
    for (const name of Object.keys(nodes)) {
      const text = block(name);
      if (text !== undefined) this.lines.push(text);
      else this.map({ [name]: nodes[name] }, '  ');
    }
  }
}

/**
 * The text the `yaml` package would write for `value` (a map in the
 * inventory's layout) with `options`, or undefined when the layout cannot
 * say it here (see the module comment): then write it with the package.
 * `block` gives the text of nodes written earlier, taken as it is.
 */
export function inventoryYaml(value: Record<string, unknown>, options: YamlStringifyOptions, block?: NodeBlock): string | undefined {
  const writer = new Writer(options, block);
  try {
    writer.map(value, '');
  } catch (error) {
    if (error instanceof NotInLayout) return undefined;
    throw error;
  }
  return writer.lines.length === 0 ? '{}\n' : `${writer.lines.join('\n')}\n`;
}
