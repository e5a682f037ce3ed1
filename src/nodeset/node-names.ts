/**
 * Node names as the tool uses them: each becomes a file or folder name
 * (`nodes/<node>.ipxe`, `golden/<image>/nodes/<node>`) and is matched against
 * iPXE's `${hostname}` (or `${mac:hexhyp}`), so it is checked before any path
 * is built from it.
 */
import { UsageError } from '../core/errors.js';
import { expandNodeSet } from './nodeset.js';

/** A host name that is also a safe file name (a MAC in `52-54-00-12-34-56` form fits too). */
const NODE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.+-]{0,62}$/;

/** Whether `name` can name a node. */
export function isNodeName(name: string): boolean {
  return NODE_NAME.test(name);
}

/**
 * Expands a node set given by a user into node names.
 * @throws UsageError `E_NODESET_EMPTY`, `E_NODESET_SYNTAX` or `E_NODE_NAME`.
 */
export function expandNodeNames(text: string): string[] {
  if (text.trim() === '') throw new UsageError('E_NODESET_EMPTY', 'no nodes given', 'give a node set such as c[001-010]');
  const names = expandNodeSet(text);
  if (names.length === 0) throw new UsageError('E_NODESET_EMPTY', `node set "${text}" holds no node`, 'give a node set such as c[001-010]');
  const bad = names.filter((name) => !isNodeName(name));
  if (bad.length > 0) {
    throw new UsageError('E_NODE_NAME', `invalid node names: ${bad.slice(0, 5).join(', ')}${bad.length > 5 ? ', ...' : ''}`,
      'node names are host names (or MACs as aa-bb-cc-dd-ee-ff): letters, digits and -_.+, not starting with - or .');
  }
  return names;
}
