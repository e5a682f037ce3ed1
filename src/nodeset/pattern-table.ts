/**
 * The core of a node set: a table from pattern to indexes (none, a 1-D
 * {@link RangeSet}, or a {@link RangeSetND}), with ClusterShell's in-place set
 * operations. What gets copied and when matters for multi-dimensional
 * folding, so these follow ClusterShell's NodeSetBase closely.
 */
import { RangeSet } from './rangeset.js';
import { RangeSetND } from './rangeset-nd.js';

/** Indexes of one pattern: null for a name without digits. */
export type Indexes = RangeSet | RangeSetND | null;

function hasIndexes(entry: Indexes): entry is RangeSet | RangeSetND {
  if (entry === null) return false;
  return entry instanceof RangeSet ? entry.size > 0 : entry.hasVectors;
}

function copyIndexes(entry: Indexes): Indexes {
  return entry === null ? null : entry.copy();
}

/** Number of nodes `entry` stands for. */
function countOf(entry: Indexes): number {
  return entry === null ? 1 : entry.size;
}

function mismatch(): Error {
  // A pattern fixes the number of dimensions, so this cannot happen from parsed input.
  return new Error('node set internal error: pattern and indexes disagree');
}

/** Pattern -> indexes, with ClusterShell's in-place set operations. */
export class PatternTable {
  readonly entries = new Map<string, Indexes>();

  /** A table holding one pattern, taking ownership of `indexes`. */
  static of(pattern: string, indexes: Indexes): PatternTable {
    const table = new PatternTable();
    table.entries.set(pattern, indexes);
    return table;
  }

  /** A copy whose indexes are copied too. */
  copy(): PatternTable {
    const table = new PatternTable();
    for (const [pattern, entry] of this.entries) table.entries.set(pattern, copyIndexes(entry));
    return table;
  }

  /** Number of nodes. */
  get size(): number {
    let total = 0;
    for (const entry of this.entries.values()) total += countOf(entry);
    return total;
  }

  /** Adds the nodes of one pattern; `indexes` is copied when `copy` (the default). */
  add(pattern: string, indexes: Indexes, copy = true): void {
    if (this.entries.has(pattern)) {
      const existing = this.entries.get(pattern) as Indexes;
      if ((existing === null) !== (indexes === null)) throw mismatch();
      if (existing instanceof RangeSet) existing.update(indexes as RangeSet);
      else if (existing !== null && existing.hasVectors) existing.update(indexes as RangeSetND);
      return;
    }
    this.entries.set(pattern, indexes !== null && hasIndexes(indexes) && copy ? indexes.copy() : indexes);
  }

  /** Adds the nodes of `other`. */
  update(other: PatternTable): void {
    for (const [pattern, indexes] of other.entries) this.add(pattern, indexes);
  }

  /** Keeps only the nodes also in `other`. */
  intersectionUpdate(other: PatternTable): void {
    if (other === this) return;
    const result = new PatternTable();
    for (const [pattern, theirs] of other.entries) {
      const mine = this.entries.get(pattern) ?? null;
      if (mine !== null && hasIndexes(mine)) {
        const common = mine instanceof RangeSet
          ? mine.intersection(theirs as RangeSet)
          : intersectND(mine, theirs as RangeSetND);
        if (common.size > 0) result.add(pattern, common, false);
      } else if (!hasIndexes(theirs) && this.entries.has(pattern)) {
        result.add(pattern, null);
      }
    }
    this.entries.clear();
    for (const [pattern, entry] of result.entries) this.entries.set(pattern, entry);
  }

  /** Removes the nodes of `other`. */
  differenceUpdate(other: PatternTable): void {
    const purge: string[] = [];
    for (const [pattern, theirs] of other.entries) {
      const mine = this.entries.get(pattern) ?? null;
      if (mine !== null && hasIndexes(mine)) {
        if (mine instanceof RangeSet) {
          this.entries.set(pattern, mine.difference(theirs as RangeSet));
        } else {
          mine.differenceUpdate(theirs as RangeSetND);
        }
        if (countOf(this.entries.get(pattern) as Indexes) === 0) purge.push(pattern);
      } else if (this.entries.has(pattern)) {
        purge.push(pattern);
      }
    }
    for (const pattern of purge) this.entries.delete(pattern);
  }

  /** Keeps the nodes in exactly one of the two. */
  symmetricDifferenceUpdate(other: PatternTable): void {
    const purge: string[] = [];
    for (const [pattern, mine] of this.entries) {
      const theirs = other.entries.get(pattern) ?? null;
      if (theirs !== null && hasIndexes(theirs)) {
        if (mine instanceof RangeSet) this.entries.set(pattern, mine.symmetricDifference(theirs as RangeSet));
        else if (mine !== null) mine.symmetricDifferenceUpdate(theirs as RangeSetND);
      } else if (other.entries.has(pattern)) {
        purge.push(pattern);
      }
    }
    for (const [pattern, theirs] of other.entries) {
      const mine = this.entries.get(pattern) ?? null;
      if (!hasIndexes(mine) && !this.entries.has(pattern)) this.add(pattern, theirs);
    }
    for (const [pattern, entry] of this.entries) {
      if (entry !== null && countOf(entry) === 0) purge.push(pattern);
    }
    for (const pattern of purge) this.entries.delete(pattern);
  }

  /** True when every node of `other` is in this table. */
  isSupersetOf(other: PatternTable): boolean {
    for (const [pattern, theirs] of other.entries) {
      const mine = this.entries.get(pattern) ?? null;
      let ok: boolean;
      if (mine !== null && hasIndexes(mine)) {
        ok = mine instanceof RangeSet
          ? (theirs as RangeSet).isSubsetOf(mine)
          : mine.isSupersetOf(theirs as RangeSetND);
      } else {
        ok = this.entries.has(pattern);
      }
      if (!ok) return false;
    }
    return true;
  }
}

function intersectND(mine: RangeSetND, theirs: RangeSetND): RangeSetND {
  const common = mine.copy();
  common.intersectionUpdate(theirs);
  return common;
}
