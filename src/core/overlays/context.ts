/**
 * What a template sees (documented with an example in docs/overlays.md):
 * `node` (its effective attributes), `image`, `server` and `inventory` (every
 * node's name and addresses, for /etc/hosts). Absent values are null, so a
 * template that prints one without `default(...)` fails loudly.
 */
import type { EffectiveNode } from '../nodes/effective.js';
import type { InventoryDocument } from '../nodes/inventory-file.js';

/** `node`: one node's effective (profile-merged) attributes. */
export interface NodeContext {
  name: string;
  ip?: string;
  mac: string[];
  vars: Record<string, string>;
  profiles: string[];
  image?: string;
  kernelArgs?: string;
  overlays: string[];
}

/** `image`: the image the node boots (undefined when it has none); `version` is set for a node pinned to one (`NAME@VERSION`). */
export interface ImageContext {
  name: string;
  version?: string;
}

/** `server`: the boot server as nodes reach it (`server_address` of the config file). */
export interface ServerContext {
  address?: string;
}

/** One element of `inventory`. */
export interface InventoryHost {
  name: string;
  ip?: string;
  mac: string[];
  profiles: string[];
}

/** The whole context of one node's templates. */
export interface TemplateContext {
  node: NodeContext;
  image?: ImageContext;
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
    name: effective.name, ip: attributes.ip, mac: [...(attributes.mac ?? [])], vars,
    profiles: [...effective.profiles], image: attributes.image, kernelArgs: attributes.kernelArgs,
    overlays: attributes.overlays?.length ? [...attributes.overlays] : [...DEFAULT_OVERLAYS],
  };
}

/**
 * The `inventory` list: every node's effective name, addresses and profiles,
 * in the file's order (natural name order, as the tool writes it). Only the
 * attributes it needs are merged, so 10,000 nodes take milliseconds.
 */
export function inventoryContext(document: InventoryDocument): InventoryHost[] {
  const hosts: InventoryHost[] = [];
  for (const name of Object.keys(document.nodes)) {
    const node = document.nodes[name];
    let { ip, mac } = node ?? {};
    for (const profile of node?.profiles ?? []) {
      const entry = Object.hasOwn(document.profiles, profile) ? document.profiles[profile] : undefined;
      // The node's own value wins; among profiles the last one that sets a value (effective.ts).
      if (node?.ip === undefined && entry?.ip !== undefined) ip = entry.ip;
      if (node?.mac === undefined && entry?.mac !== undefined) mac = entry.mac;
    }
    hosts.push({ name, ip, mac: [...(mac ?? [])], profiles: [...(node?.profiles ?? [])] });
  }
  return hosts;
}

/** What is derived from one inventory document's node list, once per document object (every render session of one change shares it). */
interface DerivedHosts {
  list: InventoryHost[];
  digest?: string;
  file?: Buffer;
}

const derived = new WeakMap<InventoryDocument, DerivedHosts>();

/**
 * {@link inventoryContext} of `document`, built once per document object:
 * the check before a change and the archives after it render against the
 * same document, and the list of 10,000 nodes (with its digest and the
 * /etc/hosts made from it) took tens of
 * milliseconds each time. Documents are not changed once read or written.
 */
export function hostsOf(document: InventoryDocument): DerivedHosts {
  let hosts = derived.get(document);
  if (!hosts) {
    hosts = { list: inventoryContext(document) };
    derived.set(document, hosts);
  }
  return hosts;
}

/**
 * A list built on first use: templates that never read `inventory` (most of
 * them) do not pay for it. nunjucks copies the context's top level, so the
 * list itself must be the lazy part.
 */
export function lazyList<T>(build: () => T[]): readonly T[] {
  let built: T[] | undefined;
  const real = (): T[] => (built ??= build());
  return new Proxy([] as T[], {
    get: (_target, key) => Reflect.get(real(), key) as unknown,
    has: (_target, key) => Reflect.has(real(), key),
    ownKeys: () => Reflect.ownKeys(real()),
    getOwnPropertyDescriptor: (_target, key) => Reflect.getOwnPropertyDescriptor(real(), key),
  });
}
