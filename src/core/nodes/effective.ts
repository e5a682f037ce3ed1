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

/**
 * Node → the image it boots, for every node that has one (its own, else the
 * last of its profiles that sets one). The boot layer renders node scripts
 * from this map. Linear in nodes × profiles per node.
 */
export function effectiveImages(document: { nodes: Readonly<Record<string, NodeEntry>>; profiles: Readonly<Record<string, ProfileEntry>> }): Record<string, string> {
  const images: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [name, node] of Object.entries(document.nodes)) {
    let image = node.image;
    if (image === undefined) {
      for (const profile of node.profiles ?? []) {
        const fromProfile = Object.hasOwn(document.profiles, profile) ? document.profiles[profile]?.image : undefined;
        if (fromProfile !== undefined) image = fromProfile;
      }
    }
    if (image !== undefined) images[name] = image;
  }
  return images;
}
