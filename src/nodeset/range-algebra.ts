/**
 * Boolean operations on sorted range lists, the engine behind RangeSet's
 * union/intersection/difference: one linear sweep over range boundaries, so
 * combining two big sets never enumerates their indexes.
 *
 * A range list is flat (group, lo, hi) triples sorted by group then lo; see
 * rangeset.ts for what a group is.
 */

/** Which indexes to keep, given whether they are in the left and right set. */
export type Keep = (inA: boolean, inB: boolean) => boolean;
export const UNION: Keep = (a, b) => a || b;
export const INTERSECTION: Keep = (a, b) => a && b;
export const DIFFERENCE: Keep = (a, b) => a && !b;
export const XOR: Keep = (a, b) => a !== b;

/**
 * Sweeps the ranges of one group of `a` (flat triples from index i to ie) and
 * of `b` (j to je), appending the ranges where `keep` holds to `out`.
 */
function sweepGroup(group: number, a: number[], i: number, ie: number, b: number[], j: number, je: number,
  keep: Keep, out: number[]): number {
  let added = 0;
  let inA = false;
  let inB = false;
  let kept = false;
  let start = 0;
  // Boundaries are half-open: a range [lo, hi] toggles at lo and at hi + 1.
  let ai = i;
  let aEdge = 0;
  let bi = j;
  let bEdge = 0;
  for (;;) {
    const nextA = ai < ie ? (a[ai + 1 + aEdge] as number) + aEdge : Infinity;
    const nextB = bi < je ? (b[bi + 1 + bEdge] as number) + bEdge : Infinity;
    const pos = Math.min(nextA, nextB);
    if (pos === Infinity) break;
    if (nextA === pos) { inA = !inA; if (aEdge === 1) { aEdge = 0; ai += 3; } else aEdge = 1; }
    if (nextB === pos) { inB = !inB; if (bEdge === 1) { bEdge = 0; bi += 3; } else bEdge = 1; }
    const now = keep(inA, inB);
    if (now === kept) continue;
    if (now) start = pos;
    else { out.push(group, start, pos - 1); added += pos - start; }
    kept = now;
  }
  return added;
}

/** Combines two range lists; returns the resulting list and its index count. */
export function combine(a: number[], b: number[], keep: Keep): { segs: number[]; size: number } {
  const out: number[] = [];
  let size = 0;
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const group = Math.min(i < a.length ? a[i] as number : Infinity, j < b.length ? b[j] as number : Infinity);
    let ie = i;
    while (ie < a.length && a[ie] === group) ie += 3;
    let je = j;
    while (je < b.length && b[je] === group) je += 3;
    size += sweepGroup(group, a, i, ie, b, j, je, keep, out);
    i = ie;
    j = je;
  }
  return { segs: out, size };
}

