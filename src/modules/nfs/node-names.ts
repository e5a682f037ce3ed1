/**
 * Node lists of golden images: ClusterShell node sets in the data file and on
 * the command line, plain names on disk. A node name becomes a folder name,
 * so it is checked before any path is built from it.
 */
import { UsageError } from '../../core/errors.js';
import { expandNodeSet, foldNodes } from '../../nodeset/index.js';

const NODE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.+-]{0,62}$/;

/** Whether `name` can be a node (a host name that is also a safe folder name). */
export function isNodeName(name: string): boolean {
  return NODE_NAME.test(name);
}

/** Expands a node set given by a user; throws UsageError on bad syntax or names. */
export function expandUserNodeSet(text: string): string[] {
  if (text.trim() === '') throw new UsageError('E_NODESET_EMPTY', 'no nodes given', 'give a node set such as c[001-010]');
  const names = expandNodeSet(text);
  const bad = names.filter((n) => !isNodeName(n));
  if (bad.length > 0) {
    throw new UsageError('E_NODE_NAME', `invalid node names: ${bad.slice(0, 5).join(', ')}${bad.length > 5 ? ', ...' : ''}`,
      'node names are host names: letters, digits and -_.+, not starting with - or .');
  }
  return names;
}

/** Expands the node set stored in image data ('' or missing means none). */
export function expandStoredNodes(stored: unknown): string[] {
  if (typeof stored !== 'string' || stored.trim() === '') return [];
  return expandNodeSet(stored);
}

/** Folds names into the stored (and printed) form; '' for none. */
export function foldNodeNames(names: Iterable<string>): string {
  const list = [...names];
  return list.length === 0 ? '' : foldNodes(list);
}
