/**
 * A node's effective attributes: its profiles applied in the order it lists
 * them (a later profile wins over an earlier one), then its own values, which
 * win over every profile. `vars` merge name by name; `overlays` lists are
 * concatenated (profiles in order, then the node's own; a name listed twice
 * keeps its last position); every other attribute is replaced whole. This is Warewulf's profile model (nodes.conf), with the
 * origin of each value kept so `node show` can say where it comes from.
 */
import { ATTRIBUTE_KEYS, uniqueKeepingLast, type NodeAttributes, type NodeEntry, type ProfileEntry } from './attributes.js';

/** Where a value comes from: `node`, or `profile:<name>`. */
export type Origin = 'node' | `profile:${string}`;

/** A node's merged attributes and, for each one set, its origin. */
export interface EffectiveNode {
  name: string;
  profiles: string[];
  attributes: NodeAttributes;
  /** Attribute → origin; for `vars`, variable name → origin. */
  origins: { [key: string]: Origin | Record<string, Origin> | undefined; vars?: Record<string, Origin> };
  /** Profiles the node lists that the inventory does not define (reported, never fatal). */
  missingProfiles: string[];
}

function apply(target: EffectiveNode, source: NodeAttributes, origin: Origin): void {
  for (const key of ATTRIBUTE_KEYS) {
    const value = source[key];
    if (value === undefined) continue;
    if (key === 'vars') {
      const vars = { ...(target.attributes.vars ?? {}) };
      const origins = { ...(target.origins.vars ?? {}) };
      for (const [name, text] of Object.entries(value as Record<string, string>)) {
        vars[name] = text;
        origins[name] = origin;
      }
      target.attributes.vars = vars;
      target.origins.vars = origins;
    } else if (key === 'overlays') {
      target.attributes.overlays = uniqueKeepingLast([...(target.attributes.overlays ?? []), ...(value as string[])]);
      target.origins.overlays = origin;
    } else {
      (target.attributes as Record<string, unknown>)[key] = Array.isArray(value) ? [...value] : value;
      target.origins[key] = origin;
    }
  }
}

/** Merges `node`'s profiles and own values (see the module comment). */
export function effectiveNode(name: string, node: NodeEntry, profiles: Readonly<Record<string, ProfileEntry>>): EffectiveNode {
  const result: EffectiveNode = { name, profiles: [...(node.profiles ?? [])], attributes: {}, origins: {}, missingProfiles: [] };
  for (const profile of result.profiles) {
    const entry = Object.hasOwn(profiles, profile) ? profiles[profile] : undefined;
    if (entry) apply(result, entry, `profile:${profile}`);
    else result.missingProfiles.push(profile);
  }
  apply(result, node, 'node');
  return result;
}

/** Attributes a node or a profile replaces whole (everything but `vars` and `overlays`, which merge). */
export type WholeAttribute = Exclude<(typeof ATTRIBUTE_KEYS)[number], 'vars' | 'overlays'>;

/**
 * One replaced-whole attribute of a node as {@link effectiveNode} gives it
 * (its own value, else the last of its profiles that sets one), without
 * merging the others: the rules run over every node at each change
 * (addresses, images), and a full merge per node was most of their time.
 */
export function effectiveValue<K extends WholeAttribute>(node: NodeEntry, profiles: Readonly<Record<string, ProfileEntry>>, key: K): NodeAttributes[K] {
  let value = node[key];
  if (value === undefined) {
    for (const profile of node.profiles ?? []) {
      const fromProfile = Object.hasOwn(profiles, profile) ? profiles[profile]?.[key] : undefined;
      if (fromProfile !== undefined) value = fromProfile;
    }
  }
  return value;
}

/**
 * Node → the image it boots, for every node that has one (its own, else the
 * last of its profiles that sets one). The boot layer renders node scripts
 * from this map. Linear in nodes × profiles per node.
 */
export function effectiveImages(document: { nodes: Readonly<Record<string, NodeEntry>>; profiles: Readonly<Record<string, ProfileEntry>> }): Record<string, string> {
  const images: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [name, node] of Object.entries(document.nodes)) {
    const image = effectiveValue(node, document.profiles, 'image');
    if (image !== undefined) images[name] = image;
  }
  return images;
}

function sameList(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.length === b.length && a.every((item, index) => item === b[index]);
}

function sameVars(a: Readonly<Record<string, string>> | undefined, b: Readonly<Record<string, string>> | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && a[key] === b[key]);
}

/**
 * Whether two node (or profile) entries hold the same values, profiles
 * included (order of lists counts, order of keys does not). A node whose
 * entry and profiles are the same on both sides of a change has the same
 * effective attributes: the per-change scans skip it without merging.
 */
export function sameEntry(a: NodeEntry, b: NodeEntry): boolean {
  return a.image === b.image && a.kernelArgs === b.kernelArgs && a.ip === b.ip && a.p2p === b.p2p && sameList(a.mac, b.mac) &&
    sameList(a.overlays, b.overlays) && sameList(a.servers, b.servers) && sameList(a.profiles, b.profiles) && sameVars(a.vars, b.vars);
}

/** Profiles that differ between two inventories (added, removed or changed). */
export function changedProfiles(previous: Readonly<Record<string, ProfileEntry>>, next: Readonly<Record<string, ProfileEntry>>): Set<string> {
  const changed = new Set<string>();
  for (const name of new Set([...Object.keys(previous), ...Object.keys(next)])) {
    const before = Object.hasOwn(previous, name) ? previous[name] : undefined;
    const after = Object.hasOwn(next, name) ? next[name] : undefined;
    if (before === undefined || after === undefined || !sameEntry(before, after)) changed.add(name);
  }
  return changed;
}

/**
 * Whether node `name` has the same effective attributes in both inventories
 * because nothing it reads changed: its entry is the same and none of its
 * profiles is in `changed` ({@link changedProfiles}). False does not mean it
 * changed: the caller compares the merged attributes then.
 */
export function untouched(name: string, previous: Readonly<Record<string, NodeEntry>>, next: NodeEntry, changed: ReadonlySet<string>): boolean {
  const before = Object.hasOwn(previous, name) ? previous[name] : undefined;
  if (before === undefined) return false;
  if (changed.size > 0 && next.profiles?.some((profile) => changed.has(profile))) return false;
  // The same object: InventoryStore.update shares the entries a change left alone (shareUntouched), so most nodes stop here.
  return before === next || sameEntry(before, next);
}

/**
 * Makes every entry of `next` that holds the same values as `previous`'s
 * entry of that name *be* that entry (nodes and profiles), so that the
 * scans of one change ({@link untouched}) and the write of the file skip
 * it by identity instead of comparing values: one comparison per node for
 * the whole change instead of one per scan. Entries are never changed in
 * place once shared (a change works on its own copy, see InventoryStore.update).
 */
export function shareUntouched(previous: { nodes: Record<string, NodeEntry>; profiles: Record<string, ProfileEntry> },
  next: { nodes: Record<string, NodeEntry>; profiles: Record<string, ProfileEntry> }): void {
  for (const map of ['nodes', 'profiles'] as const) {
    const before = previous[map];
    const after = next[map];
    for (const name of Object.keys(after)) {
      const old = Object.hasOwn(before, name) ? before[name] : undefined;
      if (old !== undefined && old !== after[name] && sameEntry(old, after[name] as NodeEntry)) after[name] = old;
    }
  }
}
