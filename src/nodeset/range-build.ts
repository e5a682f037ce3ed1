/**
 * Building sorted range lists (flat (group, lo, hi) triples, see rangeset.ts)
 * from loose input: index values in any order, ordered ranges, or ranges in
 * any order that may overlap. Each is one pass after at most one sort, which
 * is what keeps folding and uniting many names n·log n.
 */

/** A sorted, disjoint, merged range list and its index count. */
export interface Ranges { segs: number[]; size: number }

/** Appends [lo, hi] of `group` to a sorted list, merging it with the last range when they touch. */
function append(segs: number[], group: number, lo: number, hi: number): number {
  const n = segs.length;
  if (n > 0 && segs[n - 3] === group && (segs[n - 1] as number) + 1 >= lo) {
    const last = segs[n - 1] as number;
    if (hi <= last) return 0;
    segs[n - 1] = hi;
    return hi - last;
  }
  segs.push(group, lo, hi);
  return hi - lo + 1;
}

/** Ranges from triples already in order (each starting after the previous one ends). */
export function orderedRanges(triples: ArrayLike<number>): Ranges {
  const segs: number[] = [];
  let size = 0;
  for (let k = 0; k < triples.length; k += 3) {
    size += append(segs, triples[k] as number, triples[k + 1] as number, triples[k + 2] as number);
  }
  return { segs, size };
}

/** Ranges from triples in any order, possibly overlapping: sorted by (group, lo) once, then merged. */
export function unsortedRanges(triples: ArrayLike<number>): Ranges {
  const order = new Uint32Array(triples.length / 3);
  for (let r = 0; r < order.length; r++) order[r] = r * 3;
  order.sort((a, b) => ((triples[a] as number) - (triples[b] as number)) || ((triples[a + 1] as number) - (triples[b + 1] as number)));
  const segs: number[] = [];
  let size = 0;
  for (let r = 0; r < order.length; r++) {
    const k = order[r] as number;
    size += append(segs, triples[k] as number, triples[k + 1] as number, triples[k + 2] as number);
  }
  return { segs, size };
}

/** Ranges of `values` (any order, duplicates allowed) written with `group` digits. */
export function valueRanges(group: number, values: ArrayLike<number>): Ranges {
  let min = Infinity;
  let max = -Infinity;
  let ordered = true;
  for (let k = 0; k < values.length; k++) {
    const v = values[k] as number;
    if (v < max) ordered = false;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  // Node numbers are usually dense: mark them in a bitmap instead of sorting.
  if (!ordered && max - min < 4 * values.length + 1024) return denseValueRanges(group, values, min, max);
  const sorted = ordered ? values : Float64Array.from(values).sort();
  const segs: number[] = [];
  let size = 0;
  for (let k = 0; k < sorted.length; k++) {
    const v = sorted[k] as number;
    size += append(segs, group, v, v);
  }
  return { segs, size };
}

function denseValueRanges(group: number, values: ArrayLike<number>, min: number, max: number): Ranges {
  const present = new Uint8Array(max - min + 1);
  for (let k = 0; k < values.length; k++) present[(values[k] as number) - min] = 1;
  const segs: number[] = [];
  let size = 0;
  for (let k = 0; k < present.length; k++) {
    if (present[k] !== 0) size += append(segs, group, k + min, k + min);
  }
  return { segs, size };
}

/** True when every range of `theirs` comes after the last range of `mine` (both non-empty, sorted). */
export function startsAfter(theirs: number[], mine: number[]): boolean {
  const n = mine.length;
  const g = theirs[0] as number;
  return g > (mine[n - 3] as number) || (g === mine[n - 3] && (theirs[1] as number) > (mine[n - 1] as number));
}

/** Appends sorted `theirs` (all after `segs`) to `segs`, merging touching ends; returns the indexes added. */
export function appendAfter(segs: number[], theirs: number[]): number {
  let added = 0;
  for (let k = 0; k < theirs.length; k += 3) {
    const g = theirs[k] as number;
    const lo = theirs[k + 1] as number;
    const hi = theirs[k + 2] as number;
    added += append(segs, g, lo, hi);
  }
  return added;
}
