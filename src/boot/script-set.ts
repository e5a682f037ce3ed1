/**
 * The set of files one generation of node scripts holds, derived from the
 * inventory alone: `<node>.ipxe` for every node with an effective image, and
 * `<mac>.ipxe` (hexadecimal pairs joined by `-`, iPXE's `${mac:hexhyp}`) for
 * each of its effective MAC addresses, which the entry script tries when the
 * node has no host name. Both name the same image and carry the node's
 * effective kernel arguments and boot servers. A node whose image does not exist (a hand edit
 * of nodes.yml naming one) gets no script, as a node without an image: it
 * boots through its MAC's script or the menu, never a chain to a missing file.
 */
import type { NodeEntry, ProfileEntry } from '../core/nodes/attributes.js';
import { compareNames } from '../core/nodes/name-order.js';
import { isNodeName } from '../nodeset/index.js';
import { imageOfReference } from '../core/names.js';
import { DEFAULT_CONFIG } from '../core/config.js';
import { p2pKernelArguments } from './ipxe/p2p.js';
import type { ServerEntry } from '../core/nodes/servers.js';

/**
 * The base URLs of the servers `names` lists, in its order. A name the
 * inventory does not hold (a hand edit) is left out: the node falls back to
 * its other servers, or to the one it booted from.
 */
function serverUrls(names: readonly string[] | undefined, servers: Readonly<Record<string, ServerEntry>> | undefined): string[] {
  if (names === undefined || names.length === 0 || servers === undefined) return [];
  return names.flatMap((name) => (Object.hasOwn(servers, name) ? [servers[name]?.url as string] : []));
}

/** What one published file says: the node it is for, the image it boots, the node's kernel arguments and whether it loads the node's overlay archive. */
export interface ScriptTarget {
  node: string;
  image: string;
  /** The node's effective `kernelArgs`, if any. */
  kernelArgs?: string;
  overlay: boolean;
  /** Base URLs of the node's boot servers, in order of preference (absent: the server it booted from). */
  servers?: string[];
}

/**
 * What decides a script's text besides the URL paths, as one string (the
 * generation manifest records it per file, so an unchanged script is linked,
 * a changed one written): the image alone when the node has no kernel
 * arguments (the form of earlier manifests), else image and arguments;
 * ` overlay` is appended when the script loads the node's overlay archive
 * (a space cannot occur in an image name, nor end a JSON array).
 */
export function targetKey(target: ScriptTarget): string {
  // With servers, a three-item array: no earlier form has one, so a node gaining servers always gets a new script.
  const key = target.servers !== undefined ? JSON.stringify([target.image, target.kernelArgs ?? null, target.servers])
    : target.kernelArgs === undefined ? target.image : JSON.stringify([target.image, target.kernelArgs]);
  return target.overlay ? `${key} overlay` : key;
}

/** File name → what it says. */
export type ScriptSet = Map<string, ScriptTarget>;

const MAC = /^(?:[0-9a-f]{2}:){5}[0-9a-f]{2}$/;

/** The last value of `key` among `node`'s own value and its profiles' (own value first, then the last profile setting it). */
function inherited<K extends 'image' | 'mac' | 'kernelArgs' | 'servers' | 'p2p'>(node: NodeEntry, profiles: Readonly<Record<string, ProfileEntry>>, key: K): NodeEntry[K] {
  if (node[key] !== undefined) return node[key];
  let value: NodeEntry[K] = undefined;
  for (const profile of node.profiles ?? []) {
    const entry = Object.hasOwn(profiles, profile) ? profiles[profile] : undefined;
    if (entry?.[key] !== undefined) value = entry[key];
  }
  return value;
}

/** What a script says of one node, given its image, shared by nodes with equal entries' profile-derived values (see {@link scriptSet}). */
function targetOf(node: string, entry: NodeEntry, image: string, document: ScriptDocument, overlays: ReadonlySet<string>, seedSeconds: number): ScriptTarget {
  const own = inherited(entry, document.profiles, 'kernelArgs');
  // Part of the kernel arguments, hence of the target's key: turning p2p on or off writes the node a new script.
  const kernelArgs = inherited(entry, document.profiles, 'p2p') === true ? (own ? `${p2pKernelArguments(seedSeconds)} ${own}` : p2pKernelArguments(seedSeconds)) : own;
  const overlay = overlays.has(node);
  const target: ScriptTarget = kernelArgs === undefined ? { node, image, overlay } : { node, image, kernelArgs, overlay };
  const servers = serverUrls(inherited(entry, document.profiles, 'servers'), document.servers);
  if (servers.length > 0) target.servers = servers;
  return target;
}

/** The inventory as {@link scriptSet} reads it. */
type ScriptDocument = { nodes: Readonly<Record<string, NodeEntry>>; profiles: Readonly<Record<string, ProfileEntry>>; servers?: Readonly<Record<string, ServerEntry>> };

/**
 * Every file of the inventory's generation (see the module comment). Node
 * names and MAC addresses become file names, so only valid ones are used,
 * whatever the file they were read from; when two nodes claim one MAC, the
 * first in natural order keeps it. `knownImages`: the images there are.
 * Nodes of `overlays` (those with a published overlay archive) load it.
 * Nodes whose `p2p` is true get the peer-to-peer kernel arguments (seeding
 * `seedSeconds` after boot) before their own, which come last and win.
 * Linear in nodes × profiles per node.
 */
export function scriptSet(document: ScriptDocument, knownImages: ReadonlySet<string>, overlays: ReadonlySet<string> = new Set(),
  seedSeconds = DEFAULT_CONFIG.p2pSeedSeconds): ScriptSet {
  const files: ScriptSet = new Map();
  const macs: [string, ScriptTarget][] = [];
  // Image reference → whether its image exists: one lookup per reference, not per node.
  const exists = new Map<string, boolean>();
  for (const node of Object.keys(document.nodes).sort(compareNames)) {
    const entry = document.nodes[node] as NodeEntry;
    const image = inherited(entry, document.profiles, 'image');
    if (image === undefined) continue;
    let known = exists.get(image);
    if (known === undefined) exists.set(image, known = knownImages.has(imageOfReference(image)));
    if (!known || !isNodeName(node)) continue;
    const target = targetOf(node, entry, image, document, overlays, seedSeconds);
    files.set(`${node}.ipxe`, target);
    const mac = inherited(entry, document.profiles, 'mac');
    if (mac !== undefined) for (const address of mac) if (MAC.test(address)) macs.push([`${address.replaceAll(':', '-')}.ipxe`, target]);
  }
  // MAC files after node files: a node named like a MAC file keeps its own.
  for (const [file, target] of macs) if (!files.has(file)) files.set(file, target);
  return files;
}

/**
 * Image → nodes (natural order) of the nodes whose effective image is not
 * one of `knownImages`: they get no script (see the module comment), and the
 * repair that publishes a hand edit names them.
 */
export function unknownImageNodes(document: { nodes: Readonly<Record<string, NodeEntry>>; profiles: Readonly<Record<string, ProfileEntry>> },
  knownImages: ReadonlySet<string>): Map<string, string[]> {
  const unknown = new Map<string, string[]>();
  for (const node of Object.keys(document.nodes).sort(compareNames)) {
    const image = inherited(document.nodes[node] as NodeEntry, document.profiles, 'image');
    if (image === undefined || knownImages.has(imageOfReference(image))) continue;
    const nodes = unknown.get(image);
    if (nodes) nodes.push(node);
    else unknown.set(image, [node]);
  }
  return unknown;
}
