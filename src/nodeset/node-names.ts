/**
 * Node names as the tool uses them: each becomes a file or folder name
 * (`nodes/<node>.ipxe`, `golden/<image>/nodes/<node>`) and is matched against
 * iPXE's `${hostname}` (or `${mac:hexhyp}`), so it is checked before any path
 * is built from it. This module is the one gate for node names and for node
 * sets given by users to commands that act on nodes.
 */
import { escapeControls, UsageError } from '../errors/index.js';
import { expandNodeSet } from './nodeset.js';
import { checkStrictNodeSet } from './strict.js';

export { MAX_NODESET_SIZE } from './strict.js';

/**
 * Longest node name. DNS allows 253 characters, but a node's boot script is
 * the file `<name>.ipxe` (iPXE asks for `${hostname}.ipxe`), and Linux file
 * names stop at 255 bytes: 255 - 5 = 250.
 */
export const MAX_NODE_NAME_LENGTH = 250;

/**
 * One DNS label (at most 63 characters, RFC 1035), also a safe file name
 * part: letters, digits and `-_+`, starting with a letter or digit. A MAC in
 * `52-54-00-12-34-56` form is a label too.
 */
const LABEL = /^[A-Za-z0-9][A-Za-z0-9_+-]{0,62}$/;

/** Whether `name` can name a node: a host name or FQDN of dot-separated labels. */
export function isNodeName(name: string): boolean {
  if (name.length === 0 || name.length > MAX_NODE_NAME_LENGTH) return false;
  // Most names are one label: tested without splitting (this runs for every node of every file read).
  if (!name.includes('.')) return LABEL.test(name);
  return name.split('.').every((label) => LABEL.test(label));
}

/**
 * Expands a node set given by a user into node names, reading it strictly
 * (see nodeset/strict.ts) and refusing it before expansion when it holds
 * more than {@link MAX_NODESET_SIZE} nodes. `disklessset nodeset` does not
 * come here: it keeps ClusterShell's lenient, unbounded reading.
 * @throws UsageError `E_NODESET_EMPTY`, `E_NODESET_SYNTAX`,
 *   `E_NODESET_TOO_LARGE` or `E_NODE_NAME`.
 */
export function expandNodeNames(text: string): string[] {
  if (text.trim() === '') throw new UsageError('E_NODESET_EMPTY', 'no nodes given', 'give a node set such as c[001-010]');
  checkStrictNodeSet(text);
  const names = expandNodeSet(text);
  if (names.length === 0) throw new UsageError('E_NODESET_EMPTY', `node set "${text}" holds no node`, 'give a node set such as c[001-010]');
  const bad = names.filter((name) => !isNodeName(name));
  if (bad.length > 0) {
    // Escaped: a newline typed in a name must not split the one-line message.
    const listed = bad.slice(0, 5).map((name) => escapeControls(name.length > 80 ? `${name.slice(0, 77)}...` : name));
    throw new UsageError('E_NODE_NAME', `invalid node names: ${listed.join(', ')}${bad.length > 5 ? ', ...' : ''}`,
      'node names are host names or FQDNs (labels of letters, digits and -_+, at most 63 characters each, 250 in all; MACs as aa-bb-cc-dd-ee-ff)');
  }
  return names;
}
