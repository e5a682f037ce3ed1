/**
 * The node and profile operations as users run them, through the CLI
 * (`node ...`, `profile ...`) or the REST API (`/nodes`, `/profiles`): both
 * call these functions, so they check and answer alike. On top of
 * NodeInventory they shape what list and show answer (node sets folded and
 * counted, see docs/json.md). That a named image exists is checked once, by
 * the inventory guard the boot layer installs (boot/node-roots.ts), which
 * calls {@link requireKnownImages}.
 */
import { NotFoundError, UsageError } from '../../errors/index.js';
import { expandNodeNames, foldNodes, isNodeName } from '../../nodeset/index.js';
import type { CoreServices } from '../core-services.js';
import type { ImageSummary } from '../image/image-status.js';
import { listVersions } from '../image/versions.js';
import { requireIntactVersion, versionNotFound } from '../image/version-operations.js';
import { imageOfReference } from '../names.js';
import { validateProfileName } from '../names.js';
import type { NodeAttributes, NodeEntry, ProfileEntry } from './attributes.js';
import type { AttributeChanges } from './changes.js';
import type { EffectiveNode } from './effective.js';
import { requireProfile, type NodeInventory, type NodeSetResult } from './inventory.js';
import type { InventoryDocument } from './inventory-file.js';
import { compareNames } from './name-order.js';

/** One node of a listing: its name, profiles and effective attributes. */
export interface NodeRow extends NodeAttributes {
  name: string;
  profiles: string[];
}

/** A profile as listed and shown: its attributes and the nodes listing it (folded, with their count). */
export interface ProfileView extends ProfileEntry {
  name: string;
  nodes: string;
  nodeCount: number;
}

/**
 * Checks that every image of `images` exists, and for `NAME@VERSION` that
 * the image keeps that version intact (its root image there, at its recorded
 * size); returns the images there are.
 * The one check of an image named by a node, a profile or `boot set`.
 * @throws UsageError E_NODE_UNKNOWN_IMAGE listing the images there are; NotFoundError E_VERSION_NOT_FOUND naming the versions kept
 *   (the one error of an unknown version, as `image rollback` and `image diff` give it); ConflictError E_VERSION_DAMAGED.
 */
export async function requireKnownImages(services: CoreServices, images: readonly string[]): Promise<ImageSummary[]> {
  const known = await services.images.list();
  const unknown = images.filter((image) => !known.some((summary) => summary.name === imageOfReference(image)));
  if (unknown.length > 0) {
    const names = known.map((summary) => summary.name).sort();
    throw new UsageError('E_NODE_UNKNOWN_IMAGE', `no image named ${[...new Set(unknown.map(imageOfReference))].join(', ')}`,
      names.length ? `give one of: ${names.slice(0, 20).join(', ')}${names.length > 20 ? ', ...' : ''}` : 'there is no image yet: create one first (see `disklessset image list`)');
  }
  for (const reference of images) {
    const name = imageOfReference(reference);
    if (name === reference) continue;
    const kept = await listVersions(services.paths.imageDir(name));
    const pinned = kept.find((version) => `${name}@${version.id}` === reference);
    if (!pinned) throw versionNotFound(name, reference.slice(name.length + 1), kept.map((version) => version.id));
    await requireIntactVersion(services.paths.imageDir(name), name, pinned, 'pin nodes or profiles to');
  }
  return known;
}

/**
 * `node add`: adds the nodes of `nodeSet` with `entry` (checked by checkAttributes).
 * An image that does not exist is refused by the inventory's guard (boot/node-roots.ts).
 * @throws UsageError E_NODE_UNKNOWN_IMAGE (from the guard), and those of NodeInventory.addNodes.
 */
export async function addNodes(services: CoreServices, nodeSet: string, entry: NodeEntry): Promise<NodeSetResult> {
  return services.inventory.addNodes(nodeSet, entry);
}

/**
 * `node set`: changes every node of `nodeSet` (all or none).
 * @throws UsageError E_NODE_UNKNOWN_IMAGE (from the guard), and those of NodeInventory.changeNodes.
 */
export async function changeNodes(services: CoreServices, nodeSet: string, changes: AttributeChanges): Promise<NodeSetResult> {
  return services.inventory.changeNodes(nodeSet, changes);
}

/**
 * `node list`: the nodes of `nodeSet` (every node when undefined) that the
 * inventory holds, in natural order, with their effective attributes. With
 * `requireAll` (the CLI, like `node status`), a node of the set that the
 * inventory does not hold is refused instead of left out (the API's
 * `?nodes=` filter keeps the nodes there are).
 * @throws UsageError (node set), NotFoundError E_NODE_NOT_FOUND (with `requireAll`) naming the missing nodes.
 */
export async function listNodes(inventory: NodeInventory, nodeSet?: string, options: { requireAll?: boolean } = {}): Promise<NodeRow[]> {
  const nodes = await inventory.effectiveNodes(nodeSet);
  if (options.requireAll && nodeSet !== undefined) {
    const found = new Set(nodes.map((node) => node.name));
    const missing = expandNodeNames(nodeSet).filter((name) => !found.has(name));
    if (missing.length > 0) throw new NotFoundError('E_NODE_NOT_FOUND', `${foldNodes(missing)} not in the inventory`, 'see `disklessset node list`');
  }
  return nodes.map((node) => ({ name: node.name, profiles: node.profiles, ...node.attributes }));
}

/**
 * `node show`: one node's effective attributes and where each comes from.
 * @throws UsageError E_NODE_NAME (not one node name), NotFoundError E_NODE_NOT_FOUND.
 */
export async function showNode(inventory: NodeInventory, name: string): Promise<EffectiveNode> {
  if (!isNodeName(name)) throw new UsageError('E_NODE_NAME', `invalid node name ${JSON.stringify(name)}`, 'give one node name, as `disklessset node list` shows it');
  const [node] = await inventory.effectiveNodes(name);
  if (!node) throw new NotFoundError('E_NODE_NOT_FOUND', `${name} not in the inventory`, 'see `disklessset node list`');
  return node;
}

/**
 * `profile add`: adds a profile; returns it as `profile show` does.
 * @throws UsageError E_PROFILE_NAME, E_NODE_UNKNOWN_IMAGE; ConflictError E_PROFILE_EXISTS.
 */
export async function addProfile(services: CoreServices, name: string, entry: ProfileEntry): Promise<ProfileView> {
  validateProfileName(name);
  await services.inventory.addProfile(name, entry);
  return showProfile(services.inventory, name);
}

/**
 * `profile set`: changes a profile (every node listing it follows); returns it as `profile show` does.
 * @throws UsageError E_PROFILE_NAME, E_PROFILE_NESTED, E_NODE_UNKNOWN_IMAGE; NotFoundError E_PROFILE_NOT_FOUND.
 */
export async function changeProfile(services: CoreServices, name: string, changes: AttributeChanges): Promise<ProfileView> {
  validateProfileName(name);
  await services.inventory.changeProfile(name, changes);
  return showProfile(services.inventory, name);
}

function profileViews(document: InventoryDocument, names: readonly string[]): ProfileView[] {
  const users = new Map<string, string[]>(names.map((name) => [name, []]));
  for (const [node, entry] of Object.entries(document.nodes)) for (const profile of entry.profiles ?? []) users.get(profile)?.push(node);
  return names.map((name) => {
    const nodes = users.get(name) ?? [];
    return { name, nodes: nodes.length ? foldNodes(nodes) : '', nodeCount: nodes.length, ...requireProfile(document, name) };
  });
}

/** `profile list`: every profile in name order, with the nodes listing it. */
export async function listProfiles(inventory: NodeInventory): Promise<ProfileView[]> {
  const document = await inventory.read();
  return profileViews(document, Object.keys(document.profiles).sort(compareNames));
}

/**
 * `profile show`: one profile and the nodes listing it.
 * @throws UsageError E_PROFILE_NAME, NotFoundError E_PROFILE_NOT_FOUND.
 */
export async function showProfile(inventory: NodeInventory, name: string): Promise<ProfileView> {
  validateProfileName(name);
  const document = await inventory.read();
  requireProfile(document, name);
  return profileViews(document, [name])[0] as ProfileView;
}
