/** How messages say a number of nodes: one way, so no message says "1 nodes". */

/**
 * `count` followed by `noun` (default `node`), plural unless `count` is 1:
 * `countNodes(1)` is "1 node", `countNodes(3, 'node tree')` is "3 node trees".
 */
export function countNodes(count: number, noun = 'node'): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
