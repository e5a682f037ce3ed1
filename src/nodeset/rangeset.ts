/**
 * One-dimensional set of node indexes, stored as ranges rather than one
 * string per node so that `node[1-1000000]` costs a few numbers.
 *
 * Since ClusterShell 1.9 an index is a *string*: `1`, `01` and `001` are three
 * different indexes. We key each index by (group, value): group 0 holds the
 * negative indexes, group L >= 1 the indexes written with L digits. That order
 * (negatives ascending, then by length, then by value) is exactly
 * ClusterShell's sort order, and a range never spans two groups.
 */
import { NodeSetFault } from './syntax-error.js';
import { DIFFERENCE, INTERSECTION, UNION, XOR, combine } from './range-algebra.js';

/** Digits of a non-negative integer written without padding. */
export function digitCount(value: number): number {
  return value < 10 ? 1 : String(value).length;
}

/** The index string of (group, value): zero-padded to the group's length. */
export function indexText(group: number, value: number): string {
  const text = String(value);
  return group > text.length ? '0'.repeat(group - text.length) + text : text;
}

/** Rejects indexes JavaScript numbers cannot hold exactly. */
export function checkIndexMagnitude(value: number, part: string): void {
  if (!Number.isSafeInteger(value)) {
    throw new NodeSetFault(part, `index too large (this implementation stops at ${Number.MAX_SAFE_INTEGER})`);
  }
}

/** A mutable set of node indexes (see module comment for the model). */
export class RangeSet {
  /** Flat (group, lo, hi) triples, sorted, disjoint, adjacent ranges merged. */
  private segs: number[];
  private count: number;

  private constructor(segs: number[], count: number) {
    this.segs = segs;
    this.count = count;
  }

  /** An empty set. */
  static empty(): RangeSet {
    return new RangeSet([], 0);
  }

  /** A set of one index. */
  static single(group: number, value: number): RangeSet {
    return new RangeSet([group, value, value], 1);
  }

  /** A set of one index given as its text (`7`, `007`, `-3`). */
  static ofIndexText(text: string): RangeSet {
    const value = Number(text);
    return RangeSet.single(value < 0 ? 0 : text.length, value);
  }

  /** Builds from flat (group, lo, hi) triples already in order and disjoint. */
  static fromOrderedRanges(triples: number[]): RangeSet {
    const segs: number[] = [];
    let count = 0;
    for (let k = 0; k < triples.length; k += 3) {
      const g = triples[k] as number;
      const lo = triples[k + 1] as number;
      const hi = triples[k + 2] as number;
      const n = segs.length;
      if (n > 0 && segs[n - 3] === g && (segs[n - 1] as number) + 1 === lo) segs[n - 1] = hi;
      else segs.push(g, lo, hi);
      count += hi - lo + 1;
    }
    return new RangeSet(segs, count);
  }

  /** Builds the set of `values` (any order, duplicates allowed) written with `group` digits. */
  static fromValues(group: number, values: ArrayLike<number>): RangeSet {
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
    if (!ordered && max - min < 4 * values.length + 1024) return RangeSet.fromDenseValues(group, values, min, max);
    const sorted = ordered ? values : Float64Array.from(values).sort();
    const segs: number[] = [];
    let count = 0;
    for (let k = 0; k < sorted.length; k++) {
      const v = sorted[k] as number;
      const n = segs.length;
      if (n > 0 && v <= (segs[n - 1] as number)) continue;
      if (n > 0 && (segs[n - 1] as number) + 1 === v) segs[n - 1] = v;
      else segs.push(group, v, v);
      count++;
    }
    return new RangeSet(segs, count);
  }

  private static fromDenseValues(group: number, values: ArrayLike<number>, min: number, max: number): RangeSet {
    const present = new Uint8Array(max - min + 1);
    for (let k = 0; k < values.length; k++) present[(values[k] as number) - min] = 1;
    const segs: number[] = [];
    let count = 0;
    for (let k = 0; k < present.length; k++) {
      if (present[k] === 0) continue;
      const n = segs.length;
      const v = k + min;
      if (n > 0 && (segs[n - 1] as number) + 1 === v) segs[n - 1] = v;
      else segs.push(group, v, v);
      count++;
    }
    return new RangeSet(segs, count);
  }

  /** Number of indexes. */
  get size(): number {
    return this.count;
  }

  /** Calls `visit` for every range in order. */
  forEachRange(visit: (group: number, lo: number, hi: number) => void): void {
    const s = this.segs;
    for (let k = 0; k < s.length; k += 3) visit(s[k] as number, s[k + 1] as number, s[k + 2] as number);
  }

  /** First index string in ClusterShell order (the set must not be empty). */
  first(): string {
    return indexText(this.segs[0] as number, this.segs[1] as number);
  }

  /** Last index string in ClusterShell order (the set must not be empty). */
  last(): string {
    const n = this.segs.length;
    return indexText(this.segs[n - 3] as number, this.segs[n - 1] as number);
  }

  /** Every index string, in order. */
  strings(): string[] {
    const out: string[] = [];
    this.forEachRange((g, lo, hi) => {
      for (let v = lo; v <= hi; v++) out.push(indexText(g, v));
    });
    return out;
  }

  /** True when the index (group, value) is in the set. */
  has(group: number, value: number): boolean {
    const s = this.segs;
    let lo = 0;
    let hi = s.length / 3 - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const k = mid * 3;
      const g = s[k] as number;
      if (g < group || (g === group && (s[k + 2] as number) < value)) lo = mid + 1;
      else if (g > group || (s[k + 1] as number) > value) hi = mid - 1;
      else return true;
    }
    return false;
  }

  /** An independent copy. */
  copy(): RangeSet {
    return new RangeSet(this.segs.slice(), this.count);
  }

  /** True when both hold exactly the same index strings. */
  equals(other: RangeSet): boolean {
    if (this.count !== other.count || this.segs.length !== other.segs.length) return false;
    for (let k = 0; k < this.segs.length; k++) if (this.segs[k] !== other.segs[k]) return false;
    return true;
  }

  /** Adds every index of `other` (in place). */
  update(other: RangeSet): void {
    if (other.count === 0) return;
    const r = combine(this.segs, other.segs, UNION);
    this.segs = r.segs;
    this.count = r.size;
  }

  /** A new set with the indexes of both. */
  union(other: RangeSet): RangeSet {
    const r = combine(this.segs, other.segs, UNION);
    return new RangeSet(r.segs, r.size);
  }

  /** A new set with the indexes in both. */
  intersection(other: RangeSet): RangeSet {
    const r = combine(this.segs, other.segs, INTERSECTION);
    return new RangeSet(r.segs, r.size);
  }

  /** A new set with the indexes of this set not in `other`. */
  difference(other: RangeSet): RangeSet {
    const r = combine(this.segs, other.segs, DIFFERENCE);
    return new RangeSet(r.segs, r.size);
  }

  /** A new set with the indexes in exactly one of the two. */
  symmetricDifference(other: RangeSet): RangeSet {
    const r = combine(this.segs, other.segs, XOR);
    return new RangeSet(r.segs, r.size);
  }

  /** True when the two sets share an index. */
  intersects(other: RangeSet): boolean {
    return this.intersection(other).count > 0;
  }

  /** True when every index of this set is in `other`. */
  isSubsetOf(other: RangeSet): boolean {
    return this.count <= other.count && this.difference(other).count === 0;
  }

  /** Python's `a < b` on sets: proper subset. */
  isProperSubsetOf(other: RangeSet): boolean {
    return this.count < other.count && this.isSubsetOf(other);
  }

  /** Python's `a > b` on sets: proper superset. */
  isProperSupersetOf(other: RangeSet): boolean {
    return other.isProperSubsetOf(this);
  }
}
