/**
 * The one convention of every command's `--json` answer (docs/json.md):
 * camelCase keys, units in the key name (`sizeBytes`, `livenetSizeMiB`), and
 * node sets as a folded string with its count. Module commands and the CLI's
 * own use these helpers, so no answer invents its own spelling.
 */
import { NodeSet } from '../nodeset/index.js';

/** What every key of an answer looks like (checked by test/cli/json-convention.test.ts). */
export const ANSWER_KEY_PATTERN = /^[a-z][a-zA-Z0-9]*$/;

/** `creation_date` → `creationDate`; `IMAGE_DIRECTORY` → `imageDirectory`; `ssh-key` → `sshKey`. */
export function camelKey(key: string): string {
  const words = key.split(/[_\-\s]+/).filter(Boolean).map((word) => (/^[A-Z0-9]+$/.test(word) ? word.toLowerCase() : word));
  const joined = words.map((word, index) => (index === 0 ? word.charAt(0).toLowerCase() + word.slice(1)
    : word.charAt(0).toUpperCase() + word.slice(1))).join('');
  return /^[a-z]/.test(joined) ? joined : `x${joined}`;
}

/** A node set in an answer: folded (`c[001-003]`, '' when empty) and counted. */
export interface NodeSetAnswer {
  nodes: string;
  nodeCount: number;
}

function counted(nodes: string | readonly string[]): { folded: string; count: number } {
  const set = new NodeSet(typeof nodes === 'string' ? nodes : nodes.join(','));
  return { folded: set.fold(), count: set.size };
}

/** `{nodes, nodeCount}` of a folded set or of node names. */
export function nodeSetAnswer(nodes: string | readonly string[]): NodeSetAnswer {
  const { folded, count } = counted(nodes);
  return { nodes: folded, nodeCount: count };
}

/** A second node set of an answer: `{<prefix>Nodes, <prefix>NodeCount}`, e.g. `addedNodes`, `addedNodeCount`. */
export function namedNodeSet<P extends string>(prefix: P, nodes: string | readonly string[]):
  Record<`${P}Nodes`, string> & Record<`${P}NodeCount`, number> {
  const { folded, count } = counted(nodes);
  return { [`${prefix}Nodes`]: folded, [`${prefix}NodeCount`]: count } as Record<`${P}Nodes`, string> & Record<`${P}NodeCount`, number>;
}
