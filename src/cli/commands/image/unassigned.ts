/** How `image remove` and `image clean` say which nodes lost their boot assignment. */
import { countNodes, foldNodes } from '../../../nodeset/index.js';
import { namedNodeSet } from '../../../modules/json-answer.js';

/**
 * The unassigned nodes (names) as a text tail (empty when none) and as the
 * answer's `unassignedNodes` (folded, '' when none) and `unassignedNodeCount`.
 */
export function unassignedReport(nodes: readonly string[]): {
  text: string; data: { unassignedNodes: string; unassignedNodeCount: number }; } {
  const unique = [...new Set(nodes)];
  const data = namedNodeSet('unassigned', unique);
  return { text: unique.length ? `; unassigned ${countNodes(unique.length)} that booted it: ${foldNodes(unique)}` : '', data };
}
