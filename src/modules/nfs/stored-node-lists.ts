/**
 * Node lists of golden images: stored folded in the data file, plain names on
 * disk (names are checked by nodeset/node-names.ts).
 */
import { expandNodeSet, foldNodes } from '../../nodeset/index.js';

/**
 * Expands the node set stored in image data ('' or missing means none).
 * @throws UsageError E_NODESET_SYNTAX, E_NODESET_TOO_LARGE for a stored text
 * that is not a node set (edited by hand).
 */
export function expandStoredNodes(stored: unknown): string[] {
  if (typeof stored !== 'string' || stored.trim() === '') return [];
  return expandNodeSet(stored);
}

/** Folds names into the stored (and printed) form; '' for none. */
export function foldNodeNames(names: Iterable<string>): string {
  const list = [...names];
  return list.length === 0 ? '' : foldNodes(list);
}
