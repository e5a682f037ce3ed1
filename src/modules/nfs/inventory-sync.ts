/**
 * Golden-image node trees and the node inventory kept in step: `nfs nodes
 * add` records its nodes in the inventory, and `nfs nodes remove` never
 * leaves a node booting an image whose tree for it is gone.
 */
import { UsageError } from '../../errors/index.js';
import { countNodes } from '../../nodeset/index.js';
import type { CoreServices } from '../../core/core-services.js';
import { effectiveImages } from '../../core/nodes/effective.js';
import type { InventoryDocument } from '../../core/nodes/inventory-file.js';
import { foldNodeNames } from './stored-node-lists.js';

/** Nodes whose image was taken off by a forced removal. */
export interface Unassigned {
  /** Folded node set ('' for none). */
  unassigned: string;
  unassignedCount: number;
}

/**
 * Nodes of `nodes` that boot `image`, and among them those that would still
 * boot it once their own image is removed (it comes from a profile).
 */
function bootingNodes(document: InventoryDocument, image: string, nodes: readonly string[]): { booting: string[]; byProfile: string[] } {
  const images = effectiveImages(document);
  const booting = nodes.filter((node) => images[node] === image);
  const byProfile = booting.filter((node) => {
    const { image: own, ...rest } = document.nodes[node] ?? {};
    return own === undefined || effectiveImages({ nodes: { [node]: rest }, profiles: document.profiles })[node] === image;
  });
  return { booting, byProfile };
}

function refusal(document: InventoryDocument, image: string, nodes: readonly string[], force: boolean): string[] {
  const { booting, byProfile } = bootingNodes(document, image, nodes);
  if (byProfile.length > 0) {
    throw new UsageError('E_NFS_NODE_BOOTS_BY_PROFILE', `${foldNodeNames(byProfile)} (${countNodes(byProfile.length)}) boot ${image} through a profile; removing their trees would leave them without a root`,
      `give those nodes another image (\`disklessset node set ${foldNodeNames(byProfile)} --image IMAGE\`) or change the profile first`);
  }
  if (booting.length > 0 && !force) {
    throw new UsageError('E_NFS_NODE_BOOTS', `${foldNodeNames(booting)} (${countNodes(booting.length)}) boot ${image}; removing their trees would leave them without a root`,
      `assign them another image first (\`disklessset boot set ${foldNodeNames(booting)} IMAGE\`), or pass --force to unassign them`);
  }
  return booting;
}

/**
 * Throws if the trees of `nodes` in golden image `image` may not go (read
 * only: commands call it before asking for confirmation).
 * @throws UsageError E_NFS_NODE_BOOTS (nodes boot it, no `force`),
 *   E_NFS_NODE_BOOTS_BY_PROFILE (they boot it through a profile: `force` cannot help).
 */
export async function checkTreeRemoval(services: CoreServices, image: string, nodes: readonly string[], force: boolean): Promise<void> {
  refusal(await services.inventory.read(), image, nodes, force);
}

/**
 * Checks that the trees of `nodes` in golden image `image` may go, and with
 * `force` takes the image off the nodes booting it. Nothing is changed when
 * it refuses.
 * @throws UsageError E_NFS_NODE_BOOTS (nodes boot it, no `force`),
 *   E_NFS_NODE_BOOTS_BY_PROFILE (they boot it through a profile: `force` cannot help).
 */
export async function unassignNodes(services: CoreServices, image: string, nodes: readonly string[], force: boolean): Promise<Unassigned> {
  if (refusal(await services.inventory.read(), image, nodes, force).length === 0) return { unassigned: '', unassignedCount: 0 };
  // Checked again under the inventory lock: the file may have changed since.
  const booting = await services.inventory.update((document) => {
    const found = refusal(document, image, nodes, force);
    for (const node of found) delete document.nodes[node]?.image;
    return found;
  });
  return { unassigned: foldNodeNames(booting), unassignedCount: booting.length };
}

/**
 * Records `nodes` in the inventory after their trees were made: missing
 * nodes are added, and with `assign` all of them boot `image`.
 * Returns the nodes added to the inventory and those assigned.
 */
export async function recordNodes(services: CoreServices, image: string, nodes: readonly string[], assign: boolean): Promise<{ recorded: string[]; assigned: string[] }> {
  return services.inventory.update((document) => {
    const recorded = nodes.filter((node) => !Object.hasOwn(document.nodes, node));
    for (const node of recorded) document.nodes[node] = {};
    if (assign) for (const node of nodes) (document.nodes[node] as { image?: string }).image = image;
    return { recorded, assigned: assign ? [...nodes] : [] };
  });
}
