/**
 * ClusterShell-compatible node sets: `node[001-128]`, `rack[1-4]-node[1-36]`,
 * with the operators `,` (union), `!` (difference), `&` (intersection) and
 * `^` (symmetric difference) inside the text. Folded and expanded output is
 * byte-identical to ClusterShell 1.9's `nodeset -f` / `-e`.
 *
 * @example
 *   const set = new NodeSet('node[1-10]!node[3-5]');
 *   set.fold();    // 'node[1-2,6-10]'
 *   set.count;     // 7
 *   set.union('node11').fold(); // 'node[1-2,6-11]'
 */
import { tableFromNames } from './bulk.js';
import { parseTable } from './parse.js';
import type { PatternTable } from './pattern-table.js';
import { expandTable, foldTable, forEachNode } from './render.js';
import { withSyntaxErrors } from './syntax-error.js';

/** A node set, or node set text to parse. */
export type NodeSetLike = NodeSet | string;

/**
 * An immutable set of node names, stored as folded patterns with range sets
 * (so `n[1-1000000]` costs a few bytes). Iterates in ClusterShell's order.
 * @throws UsageError E_NODESET_SYNTAX from the parsing factories.
 */
export class NodeSet implements Iterable<string> {
  private readonly table: PatternTable;

  /**
   * Parses `text` (empty or omitted: an empty set).
   * @throws UsageError `E_NODESET_SYNTAX` naming the bad part of the text.
   */
  constructor(text = '') {
    this.table = withSyntaxErrors(text, () => parseTable(text));
  }

  /** Same as `new NodeSet(text)`. */
  static parse(text: string): NodeSet {
    return new NodeSet(text);
  }

  /**
   * The union of node names (each may also be node set text, e.g. `n[1-3]`).
   * Near-linear for plain names, so folding a million-name list is fast.
   * @throws UsageError `E_NODESET_SYNTAX` for an invalid entry.
   */
  static fromNodes(names: Iterable<string>): NodeSet {
    return NodeSet.wrap(withSyntaxErrors('(node list)', () => tableFromNames(names)));
  }

  /** @internal Wraps a table this module built (not copied). */
  static wrap(table: PatternTable): NodeSet {
    const set = Object.create(NodeSet.prototype) as NodeSet;
    (set as unknown as { table: PatternTable }).table = table;
    return set;
  }

  private static tableOf(other: NodeSetLike): PatternTable {
    return typeof other === 'string' ? new NodeSet(other).table : other.table;
  }

  /** @internal The underlying table (shared, do not modify). */
  get patternTable(): PatternTable {
    return this.table;
  }

  /** Number of nodes. */
  get count(): number {
    return this.table.size;
  }

  /** Number of nodes (alias of {@link count}). */
  get size(): number {
    return this.table.size;
  }

  /** True when the set has no node. */
  get isEmpty(): boolean {
    return this.table.entries.size === 0;
  }

  /** Folded text, as `nodeset -f` prints it: `node[1-4,7]`. */
  fold(): string {
    return foldTable(this.table);
  }

  /** Same as {@link fold}. */
  toString(): string {
    return this.fold();
  }

  /** Every node name in ClusterShell order, as `nodeset -e` lists them. */
  expand(): string[] {
    return expandTable(this.table);
  }

  *[Symbol.iterator](): Iterator<string> {
    yield* this.expand();
  }

  /** Calls `visit` for every node name in order, without building an array. */
  forEach(visit: (name: string) => void): void {
    forEachNode(this.table, visit);
  }

  /** A new set with the nodes of both. */
  union(other: NodeSetLike): NodeSet {
    const table = this.table.copy();
    table.update(NodeSet.tableOf(other));
    return NodeSet.wrap(table);
  }

  /** A new set with the nodes of this set that are not in `other`. */
  difference(other: NodeSetLike): NodeSet {
    const table = this.table.copy();
    table.differenceUpdate(NodeSet.tableOf(other));
    return NodeSet.wrap(table);
  }

  /** A new set with the nodes in both. */
  intersection(other: NodeSetLike): NodeSet {
    const table = this.table.copy();
    table.intersectionUpdate(NodeSet.tableOf(other));
    return NodeSet.wrap(table);
  }

  /** A new set with the nodes in exactly one of the two. */
  symmetricDifference(other: NodeSetLike): NodeSet {
    const table = this.table.copy();
    table.symmetricDifferenceUpdate(NodeSet.tableOf(other));
    return NodeSet.wrap(table);
  }

  /** True when `node` (a name, or node set text / a set: all of its nodes) is in this set. */
  contains(node: NodeSetLike): boolean {
    return this.table.isSupersetOf(NodeSet.tableOf(node));
  }

  /** True when both sets hold the same nodes. */
  equals(other: NodeSetLike): boolean {
    const table = NodeSet.tableOf(other);
    return this.table.size === table.size && this.table.isSupersetOf(table);
  }
}

/** Folds node names into node set text: `['n1','n2','n3']` gives `n[1-3]`. */
export function foldNodes(names: Iterable<string>): string {
  return NodeSet.fromNodes(names).fold();
}

/** Expands node set text into node names: `n[1-3]` gives `['n1','n2','n3']`. */
export function expandNodeSet(text: string): string[] {
  return new NodeSet(text).expand();
}
