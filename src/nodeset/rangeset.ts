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
import { appendAfter, orderedRanges, startsAfter, unsortedRanges, valueRanges, type Ranges } from './range-build.js';

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
  /**
   * Ranges united by {@link update} but not merged in yet (any order, may
   * overlap), or null. Uniting many small sets one by one into a big one
   * (one argument, one comma item or one vector at a time) would re-sweep
   * the big list each time, which is quadratic; instead they wait here and
   * are sorted and merged in one go when the set is next read, or when they
   * outgrow the merged list (so each range is sorted once: n·log n).
   */
  private pending: number[] | null = null;

  private constructor(segs: number[], count: number) {
    this.segs = segs;
    this.count = count;
  }

  private static of(ranges: Ranges): RangeSet {
    return new RangeSet(ranges.segs, ranges.size);
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
    return RangeSet.of(orderedRanges(triples));
  }

  /** Builds the set of `values` (any order, duplicates allowed) written with `group` digits. */
  static fromValues(group: number, values: ArrayLike<number>): RangeSet {
    return RangeSet.of(valueRanges(group, values));
  }

  /** Merges the pending ranges into the list. */
  private settle(): void {
    const pending = this.pending;
    if (pending === null) return;
    this.pending = null;
    const r = combine(this.segs, unsortedRanges(pending).segs, UNION);
    this.segs = r.segs;
    this.count = r.size;
  }

  /** Number of indexes. */
  get size(): number {
    this.settle();
    return this.count;
  }

  /** Calls `visit` for every range in order. */
  forEachRange(visit: (group: number, lo: number, hi: number) => void): void {
    this.settle();
    const s = this.segs;
    for (let k = 0; k < s.length; k += 3) visit(s[k] as number, s[k + 1] as number, s[k + 2] as number);
  }

  /** First index string in ClusterShell order (the set must not be empty). */
  first(): string {
    this.settle();
    return indexText(this.segs[0] as number, this.segs[1] as number);
  }

  /** Last index string in ClusterShell order (the set must not be empty). */
  last(): string {
    this.settle();
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
    this.settle();
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
    this.settle();
    return new RangeSet(this.segs.slice(), this.count);
  }

  /** True when both hold exactly the same index strings. */
  equals(other: RangeSet): boolean {
    if (other === this) return true;
    // A merged part is a lower bound of its set's size: a set already merged that is smaller than it
    // differs without merging (the usual case when a vector's growing dimension meets a new one-index vector).
    if ((this.pending === null && this.count < other.count) || (other.pending === null && other.count < this.count)) return false;
    this.settle();
    other.settle();
    if (this.count !== other.count || this.segs.length !== other.segs.length) return false;
    for (let k = 0; k < this.segs.length; k++) if (this.segs[k] !== other.segs[k]) return false;
    return true;
  }

  /** Adds every index of `other` (in place); amortized n·log n over many calls. */
  update(other: RangeSet): void {
    if (other.size === 0) return;
    const theirs = other.segs;
    const n = this.segs.length;
    if (this.pending === null && (n === 0 || startsAfter(theirs, this.segs))) {
      // In order (names given sorted): append, merging the touching ends.
      this.segs = n === 0 ? theirs.slice() : this.segs;
      if (n > 0) this.count += appendAfter(this.segs, theirs);
      else this.count = other.count;
      return;
    }
    if (theirs.length * 8 >= n) {
      this.settle();
      const r = combine(this.segs, theirs, UNION);
      this.segs = r.segs;
      this.count = r.size;
      return;
    }
    const pending = this.pending ?? (this.pending = []);
    for (let k = 0; k < theirs.length; k++) pending.push(theirs[k] as number);
    if (pending.length > n) this.settle();
  }

  /** A new set with the indexes of both. */
  union(other: RangeSet): RangeSet {
    this.settle();
    other.settle();
    const r = combine(this.segs, other.segs, UNION);
    return new RangeSet(r.segs, r.size);
  }

  /** A new set with the indexes in both. */
  intersection(other: RangeSet): RangeSet {
    this.settle();
    other.settle();
    const r = combine(this.segs, other.segs, INTERSECTION);
    return new RangeSet(r.segs, r.size);
  }

  /** A new set with the indexes of this set not in `other`. */
  difference(other: RangeSet): RangeSet {
    this.settle();
    other.settle();
    const r = combine(this.segs, other.segs, DIFFERENCE);
    return new RangeSet(r.segs, r.size);
  }

  /** A new set with the indexes in exactly one of the two. */
  symmetricDifference(other: RangeSet): RangeSet {
    this.settle();
    other.settle();
    const r = combine(this.segs, other.segs, XOR);
    return new RangeSet(r.segs, r.size);
  }

  /** True when the two sets share an index. */
  intersects(other: RangeSet): boolean {
    return this.intersection(other).count > 0;
  }

  /** True when every index of this set is in `other`. */
  isSubsetOf(other: RangeSet): boolean {
    return this.size <= other.size && this.difference(other).count === 0;
  }

  /** Python's `a < b` on sets: proper subset. */
  isProperSubsetOf(other: RangeSet): boolean {
    return this.size < other.size && this.isSubsetOf(other);
  }

  /** Python's `a > b` on sets: proper superset. */
  isProperSupersetOf(other: RangeSet): boolean {
    return other.isProperSubsetOf(this);
  }
}
