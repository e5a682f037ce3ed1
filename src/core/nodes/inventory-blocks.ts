/**
 * The node blocks of a nodes.yml the tool wrote: node name → the lines that
 * say that node (`  c001:` and the lines below it, without the final line
 * break), as inventory-yaml.ts wrote them. A change then writes again only
 * the nodes it changed and copies the others' text: writing 10,000 entries
 * was a tenth of a second of every one-node change.
 *
 * Only a text the inventory cache marks as the tool's own writing is cut
 * (inventory-cache.ts `written`), and only a block whose node the change
 * left as it was (the same entry object) is reused; a text of any other
 * shape gives no blocks, and every node is written as before.
 */

/** A node's first line: two spaces, a name as the writer puts it without quotes (a word), a colon, and `{}` for an empty entry. */
const NODE_LINE = /^ {2}([A-Za-z_][A-Za-z0-9_./+-]*):(?: \{\})?$/;

/**
 * Node name → its block in `text` (see the module comment), or undefined when
 * the text has no `nodes:` section of the writer's shape. Linear in the text.
 */
export function nodeBlocks(text: string): Map<string, string> | undefined {
  const found = text.startsWith('nodes:\n') ? 0 : text.indexOf('\nnodes:\n');
  if (found < 0) return undefined;
  const start = found === 0 ? 0 : found + 1;
  const blocks = new Map<string, string>();
  let position = start + 'nodes:\n'.length;
  let name: string | undefined;
  let blockStart = position;
  const close = (end: number): void => {
    if (name !== undefined) blocks.set(name, text.slice(blockStart, end - 1));
  };
  while (position < text.length) {
    const end = text.indexOf('\n', position);
    if (end < 0) return undefined;
    // The section ends at the first line not indented (`servers:`).
    if (text.charCodeAt(position) !== 32) break;
    if (text.charCodeAt(position + 2) !== 32) {
      const match = NODE_LINE.exec(text.slice(position, end));
      if (!match) return undefined;
      close(position);
      name = match[1];
      blockStart = position;
    } else if (name === undefined) {
      return undefined;
    }
    position = end + 1;
  }
  close(position);
  return blocks;
}
