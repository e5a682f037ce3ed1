/**
 * Text output of a {@link PatternTable}: the folded form (`nodeset -f`) and
 * the list of node names (`nodeset -e`), in ClusterShell's order: patterns
 * sorted as strings, indexes in index order, multi-dimensional sets vector by
 * vector.
 */
import { fillPattern, piecesOf, slotPieces, sortPatterns } from './pattern-text.js';
import type { Vector } from './rangeset-nd.js';
import type { PatternTable } from './pattern-table.js';
import { RangeSet, indexText } from './rangeset.js';
import { formatRangeSet } from './rangeset-text.js';

function bracketed(set: RangeSet): string {
  const text = formatRangeSet(set);
  return set.size > 1 ? `[${text}]` : text;
}

/** The folded text, e.g. `node[1-4,7],rack1-n[1-2]`. */
export function foldTable(table: PatternTable): string {
  const parts: string[] = [];
  for (const pattern of sortPatterns(table.entries.keys())) {
    const entry = table.entries.get(pattern) ?? null;
    if (entry === null) parts.push(fillPattern(pattern, []));
    else if (entry instanceof RangeSet) parts.push(fillPattern(pattern, [bracketed(entry)]));
    else for (const vec of entry.folded()) parts.push(fillPattern(pattern, vec.map(bracketed)));
  }
  return parts.join(',');
}

/** The names of a one-dimensional pattern, built straight from its ranges. */
function visitNames(pattern: string, set: RangeSet, visit: (name: string) => void): void {
  const [head, tail] = slotPieces(pattern);
  set.forEachRange((group, lo, hi) => {
    for (let v = lo; v <= hi; v++) {
      // Only indexes shorter than their group need padding; most are not.
      const index = group > 1 && v < 10 ** (group - 1) ? indexText(group, v) : v;
      visit(head + index + tail);
    }
  });
}

/**
 * The names of one vector of a multi-dimensional pattern, last dimension
 * fastest (ClusterShell's order). Each level extends the text of the levels
 * above it, so a name costs one concatenation and no index array.
 */
function visitProduct(pieces: readonly string[], vec: Vector, visit: (name: string) => void): void {
  const axes = vec.map((rs) => rs.strings());
  const last = axes.length - 1;
  const walk = (d: number, prefix: string): void => {
    const axis = axes[d] as string[];
    const piece = pieces[d + 1] as string;
    if (d === last) for (let k = 0; k < axis.length; k++) visit(prefix + (axis[k] as string) + piece);
    else for (let k = 0; k < axis.length; k++) walk(d + 1, prefix + (axis[k] as string) + piece);
  };
  walk(0, pieces[0] as string);
}

/** Calls `visit` with every node name, in order. */
export function forEachNode(table: PatternTable, visit: (name: string) => void): void {
  for (const pattern of sortPatterns(table.entries.keys())) {
    const entry = table.entries.get(pattern) ?? null;
    if (entry === null) {
      visit(fillPattern(pattern, []));
    } else if (entry instanceof RangeSet) {
      visitNames(pattern, entry, visit);
    } else {
      for (const vec of entry.folded()) visitProduct(piecesOf(pattern), vec, visit);
    }
  }
}

/** Every node name, in order. */
export function expandTable(table: PatternTable): string[] {
  const names: string[] = [];
  forEachNode(table, (name) => names.push(name));
  return names;
}
