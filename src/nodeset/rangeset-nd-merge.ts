/**
 * ClusterShell's multi-dimensional merge: starting from one vector per index
 * tuple, repeatedly sort the vectors and merge pairs that differ in a single
 * dimension. Cheap passes (each vector only tries its neighbour) run first,
 * then full pairwise passes until nothing changes. The result depends on the
 * exact order of sorting and merging, so this follows it step for step.
 */
import type { RangeSet } from './rangeset.js';

/** A vector: one index set per dimension; it stands for their product. */
export type Vector = RangeSet[];

interface SortEntry {
  vec: Vector;
  product: number;
  lengths: number[];
  firsts: string[];
  lasts: string[];
}

/** Largest vectors first, then per dimension: longer, lower first index, lower last index. */
function compareEntries(a: SortEntry, b: SortEntry): number {
  if (a.product !== b.product) return b.product - a.product;
  for (let d = 0; d < a.lengths.length; d++) {
    const la = a.lengths[d] as number;
    const lb = b.lengths[d] as number;
    if (la !== lb) return lb - la;
    // Index strings compare as strings (so "10" < "9"), like ClusterShell.
    const fa = a.firsts[d] as string;
    const fb = b.firsts[d] as string;
    if (fa !== fb) return fa < fb ? -1 : 1;
    const za = a.lasts[d] as string;
    const zb = b.lasts[d] as string;
    if (za !== zb) return za < zb ? -1 : 1;
  }
  return 0;
}

function sortVectors(vectors: Vector[]): void {
  const entries = vectors.map((vec): SortEntry => ({
    vec,
    product: vec.reduce((n, rs) => n * rs.size, 1),
    lengths: vec.map((rs) => rs.size),
    firsts: vec.map((rs) => rs.first()),
    lasts: vec.map((rs) => rs.last()),
  }));
  entries.sort(compareEntries); // stable, like Python's sort
  for (let k = 0; k < entries.length; k++) vectors[k] = (entries[k] as SortEntry).vec;
}

/** The merge of two vectors when they differ in at most one dimension, else undefined. */
function mergePair(item1: Vector, item2: Vector): Vector | undefined {
  const merged: Vector = new Array<RangeSet>(item1.length);
  let differing = 0;
  for (let pos = 0; pos < item1.length; pos++) {
    const rg1 = item1[pos] as RangeSet;
    const rg2 = item2[pos] as RangeSet;
    if (rg1.equals(rg2)) {
      merged[pos] = rg1;
    } else if (!rg1.intersects(rg2)) {
      if (++differing > 1) return undefined;
      merged[pos] = rg1.union(rg2);
    } else if (rg1.isProperSupersetOf(rg2) || rg1.isProperSubsetOf(rg2)) {
      if (++differing > 1) return undefined;
      merged[pos] = rg2.isProperSupersetOf(rg1) ? rg2 : rg1;
    } else {
      return undefined;
    }
  }
  return merged;
}

/** Merges `vectors` (one per distinct tuple) the way ClusterShell does; returns them sorted. */
export function multivariateMerge(vectors: Vector[]): Vector[] {
  let full = false;
  let changed = true;
  while (changed) {
    changed = false;
    sortVectors(vectors);
    let index1 = 0;
    while (index1 + 1 < vectors.length) {
      let item1 = vectors[index1] as Vector;
      let index2 = index1 + 1;
      index1 += 1;
      while (index2 < vectors.length) {
        const item2 = vectors[index2] as Vector;
        index2 += 1;
        const merged = mergePair(item1, item2);
        if (merged) {
          changed = true;
          item1 = vectors[index1 - 1] = merged;
          index2 -= 1;
          vectors.splice(index2, 1);
        } else if (!full) {
          break;
        }
      }
    }
    if (!changed && !full) changed = full = true;
  }
  return vectors;
}
