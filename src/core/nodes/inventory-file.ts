/**
 * The inventory file, `<stateDir>/nodes.yml`: YAML meant to be read (and, with
 * care, edited) by people, with the maps `profiles`, `nodes` and (when there are any) `servers`. Every load
 * checks the whole document: a hand edit with a typo (`imgae:`) stops the
 * tool with the file, the entry and the nearest valid key named, instead of
 * being ignored. Writes are atomic, under the file's lock (see inventory.ts).
 */
import { DisklessError, OperationError } from '../../errors/index.js';
import { isNodeName } from '../../nodeset/index.js';
import { validateProfileName, validateServerName } from '../names.js';
import { requireKnownKeys } from '../raw-options.js';
import { parseYamlText, stringifyYaml } from '../yaml-text.js';
import { checkAttributes, type NodeEntry, type ProfileEntry } from './attributes.js';
import { checkServerEntry, type ServerEntry } from './servers.js';
import { inventoryYaml, type NodeBlock } from './inventory-yaml.js';
import { nodeBlocks } from './inventory-blocks.js';
import { compareNames } from './name-order.js';

/** The whole inventory. Maps have no prototype, so a node named `constructor` is just a node. */
export interface InventoryDocument {
  profiles: Record<string, ProfileEntry>;
  nodes: Record<string, NodeEntry>;
  /** Boot servers by name (see servers.ts); absent when there is none, so files without servers read and write as before. */
  servers?: Record<string, ServerEntry>;
}

/** An empty inventory. */
export function emptyInventory(): InventoryDocument {
  return { profiles: Object.create(null) as Record<string, ProfileEntry>, nodes: Object.create(null) as Record<string, NodeEntry> };
}

function invalid(file: string, what: string): OperationError {
  return new OperationError('E_INVENTORY_INVALID', `${file} is not a valid node inventory: ${what}`,
    'fix the file by hand (or restore it from a backup); `disklessset node` commands refuse to change it until then');
}

function section(document: Record<string, unknown>, key: string, file: string): Record<string, unknown> {
  const value = document[key];
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw invalid(file, `"${key}" must be a map`);
  return value as Record<string, unknown>;
}

/**
 * Parses and checks the text of an inventory file (empty text: an empty inventory).
 * @throws OperationError E_INVENTORY_INVALID naming `file` and the first problem.
 */
export function parseInventory(text: string, file: string): InventoryDocument {
  let parsed: unknown;
  try {
    parsed = parseYamlText(text, { maxAliasCount: 0 });
  } catch (error) {
    throw invalid(file, (error as Error).message);
  }
  return checkInventory(parsed, file);
}

/**
 * Two of `names` that differ only in case (`c001`, `C001`), or undefined.
 * Host names and DNS are case-insensitive: two such nodes would answer to
 * one name. Linear in the number of names.
 */
export function caseClash(names: Iterable<string>): [string, string] | undefined {
  const seen = new Map<string, string>();
  for (const name of names) {
    const key = name.toLowerCase();
    const other = seen.get(key);
    if (other !== undefined) return [other, name];
    seen.set(key, name);
  }
  return undefined;
}

/**
 * A stored entry of a document already checked that a section's entry `name`
 * may stand for unchecked, or undefined; for section `names`, whether that
 * document has a node named `name` (then truthy).
 */
type KeptEntry = (section: 'nodes' | 'profiles' | 'names', name: string) => NodeEntry | undefined;

/**
 * Checks a parsed inventory (plain values, as YAML or JSON gives them) and
 * returns it in its one stored form; an entry `kept` gives is taken as it is.
 */
function checkInventory(parsed: unknown, file: string, kept?: KeptEntry): InventoryDocument {
  const result = emptyInventory();
  if (parsed === null || parsed === undefined) return result;
  if (typeof parsed !== 'object' || Array.isArray(parsed)) throw invalid(file, 'the top level must be a map with "profiles" and "nodes"');
  const document = parsed as Record<string, unknown>;
  try {
    requireKnownKeys(document, ['profiles', 'nodes', 'servers'], file);
    for (const [name, entry] of Object.entries(section(document, 'servers', file))) {
      result.servers ??= Object.create(null) as Record<string, ServerEntry>;
      result.servers[validateServerName(name)] = checkServerEntry(entry, `server ${name}`);
    }
    for (const [name, entry] of Object.entries(section(document, 'profiles', file))) {
      result.profiles[validateProfileName(name)] = kept?.('profiles', name) ?? checkAttributes(entry ?? {}, `profile ${name}`, false);
    }
    let fresh = kept === undefined;
    for (const [name, entry] of Object.entries(section(document, 'nodes', file))) {
      // A kept entry is one of a document checked already: its name too.
      const stored = kept?.('nodes', name);
      if (stored !== undefined) {
        result.nodes[name] = stored;
        continue;
      }
      if (!isNodeName(name)) throw invalid(file, `invalid node name ${JSON.stringify(name)}`);
      fresh ||= !kept?.('names', name);
      result.nodes[name] = checkAttributes(entry ?? {}, `node ${name}`, true);
    }
    // Only a name the checked document lacks can clash with another (10,000 names lower-cased otherwise).
    const clash = fresh ? caseClash(Object.keys(result.nodes)) : undefined;
    if (clash) throw invalid(file, `nodes ${clash[0]} and ${clash[1]} differ only in case (host names are case-insensitive)`);
  } catch (error) {
    if (error instanceof DisklessError && error.code !== 'E_INVENTORY_INVALID') throw invalid(file, error.message);
    throw error;
  }
  return result;
}

function plain(entry: NodeEntry): Record<string, unknown> {
  // Fixed key order, empty values left out: diffs of the file stay small and readable.
  const out: Record<string, unknown> = {};
  for (const key of ['profiles', 'image', 'kernelArgs', 'mac', 'ip', 'vars', 'overlays', 'servers', 'p2p'] as const) {
    const value = entry[key];
    if (value === undefined || (Array.isArray(value) ? value.length === 0 : typeof value === 'object' && Object.keys(value).length === 0)) continue;
    out[key] = value;
  }
  return out;
}

/**
 * The value written: maps in name order, entries in their fixed form. A node
 * `asIs` names is taken without that form: its text is copied, not written.
 */
function storedValue(document: InventoryDocument, asIs?: (node: string) => boolean, nodesInOrder = false): { profiles: Record<string, unknown>; nodes: Record<string, unknown>; servers?: Record<string, unknown> } {
  const sorted = <T extends NodeEntry>(map: Record<string, T>, keep?: (name: string) => boolean, inOrder = false): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    const names = Object.keys(map);
    for (const name of inOrder ? names : names.sort(compareNames)) out[name] = keep?.(name) ? map[name] : plain(map[name] as T);
    return out;
  };
  const value: { profiles: Record<string, unknown>; nodes: Record<string, unknown>; servers?: Record<string, unknown> } = { profiles: sorted(document.profiles), nodes: sorted(document.nodes, asIs, nodesInOrder) };
  // Written only when there are servers: an inventory without any keeps its text byte for byte.
  const servers = document.servers ?? {};
  if (Object.keys(servers).length > 0) value.servers = Object.fromEntries(Object.keys(servers).sort(compareNames).map((name) => [name, { url: servers[name]?.url }]));
  return value;
}

/**
 * Block style, no line folding, and never an anchor: two nodes sharing one
 * value (one profiles list given to a whole node set) are written out in full,
 * as a person editing the file expects (and the duplicate tracking the anchors
 * need cost a tenth of the time over 10,000 nodes).
 */
const YAML_OPTIONS = { lineWidth: 0, aliasDuplicateObjects: false } as const;

const HEADER = '# disklessset node inventory. Change it with `disklessset node` and `disklessset profile`;\n# a hand edit is checked by the next command.\n';

/** The YAML of the stored value: the fixed layout's direct writer, or the package when the layout cannot say a value (inventory-yaml.ts). */
function yamlText(value: Record<string, unknown>): string {
  return inventoryYaml(value, YAML_OPTIONS) ?? stringifyYaml(value, YAML_OPTIONS);
}

/**
 * The file text of `document`: a header comment, then profiles and nodes in
 * name order. Comments a person added to the file are not kept: the file is
 * written again from its values at every change.
 */
export function formatInventory(document: InventoryDocument): string {
  return `${HEADER}${yamlText(storedValue(document))}`;
}

/** Whether `map` has the names of `checked`, in the same order (a change that added or removed none): that order is the file's, already sorted. */
function sameOrder(map: Record<string, unknown>, checked: Record<string, unknown>): boolean {
  const names = Object.keys(map);
  const before = Object.keys(checked);
  return names.length === before.length && names.every((name, index) => name === before[index]);
}

/**
 * The file text of `document` and the document that parsing that text gives
 * (MAC addresses in their one form, empty values left out), without parsing it.
 * An entry of `document` that *is* the entry of that name in `checked` (a
 * stored document, such as the one a change started from: see
 * effective.ts shareUntouched) is taken into the result as it is, unchecked.
 * @throws OperationError E_INVENTORY_INVALID when `document` holds a value the file refuses.
 */
export function serializeInventory(document: InventoryDocument, file: string, previous?: { document: InventoryDocument; text?: string }): { text: string; stored: InventoryDocument } {
  const checked = previous?.document;
  const kept: KeptEntry | undefined = checked && ((section, name) => {
    if (section === 'names') return Object.hasOwn(checked.nodes, name) ? checked.nodes[name] : undefined;
    const entry = document[section][name];
    return entry !== undefined && Object.hasOwn(checked[section], name) && checked[section][name] === entry ? entry : undefined;
  });
  const blocks = kept && previous?.text !== undefined ? nodeBlocks(previous.text) : undefined;
  // A node's text in the previous file, when that file is the tool's writing and the node is as it was written there.
  const block: NodeBlock | undefined = blocks && kept && ((name) => (kept('nodes', name) !== undefined ? blocks.get(name) : undefined));
  // The previous file's order is sorted when the tool wrote it: the same names, then, need no sorting.
  const value = storedValue(document, block && ((name) => block(name) !== undefined), checked !== undefined && previous?.text !== undefined && sameOrder(document.nodes, checked.nodes));
  // The package writes the file when the layout cannot (yamlText): from the fixed form of every entry then.
  const text = (block && inventoryYaml(value, YAML_OPTIONS, block)) ?? yamlText(block ? storedValue(document) : value);
  return { text: `${HEADER}${text}`, stored: checkInventory(value, file, kept) };
}

