/**
 * What a template sees (documented with an example in docs/overlays.md):
 * `node` (its effective attributes), `image`, `server` and `inventory` (every
 * node's name and addresses, for /etc/hosts). Absent values are null, so a
 * template that prints one without `default(...)` fails loudly.
 */
import type { EffectiveNode } from '../nodes/effective.js';

/** `node`: one node's effective (profile-merged) attributes. */
export interface NodeContext {
  name: string;
  ip: string | null;
  mac: string[];
  vars: Record<string, string>;
  profiles: string[];
  image: string | null;
  kernelArgs: string | null;
  overlays: string[];
}

/** `image`: the image the node boots (null when it has none). `version` stays null until images carry versions. */
export interface ImageContext {
  name: string;
  version: string | null;
}

/** `server`: the boot server as nodes reach it (`server_address` of the config file). */
export interface ServerContext {
  address: string | null;
}

/** One element of `inventory`. */
export interface InventoryHost {
  name: string;
  ip: string | null;
  mac: string[];
  profiles: string[];
}

/** The whole context of one node's templates. */
export interface TemplateContext {
  node: NodeContext;
  image: ImageContext | null;
  server: ServerContext;
  inventory: readonly InventoryHost[];
}

/** Overlays a node gets when neither it nor its profiles list any. */
export const DEFAULT_OVERLAYS: readonly string[] = ['hostname'];

/** The `node` of `effective` (variables in a prototype-less copy, so no template reads Object.prototype through them). */
export function nodeContext(effective: EffectiveNode): NodeContext {
  const { attributes } = effective;
  const vars = Object.assign(Object.create(null) as Record<string, string>, attributes.vars ?? {});
  return {
    name: effective.name, ip: attributes.ip ?? null, mac: [...(attributes.mac ?? [])], vars,
    profiles: [...effective.profiles], image: attributes.image ?? null, kernelArgs: attributes.kernelArgs ?? null,
    overlays: attributes.overlays?.length ? [...attributes.overlays] : [...DEFAULT_OVERLAYS],
  };
}

/** The `inventory` list, built once per render session (nodes in `effective`'s order). */
export function inventoryContext(effective: readonly EffectiveNode[]): InventoryHost[] {
  return effective.map((node) => ({ name: node.name, ip: node.attributes.ip ?? null, mac: [...(node.attributes.mac ?? [])], profiles: [...node.profiles] }));
}
