/**
 * Boot assignment: which image each node boots (what BlueBanquise's bootset
 * did for diskless images). The CLI's `boot` commands and the API's `/boot`
 * routes are thin layers over these functions.
 */
import { UsageError } from '../errors/index.js';
import type { CoreServices } from '../core/core-services.js';
import { imageOfReference, validateImageName } from '../core/names.js';
import { foldNodes } from '../nodeset/index.js';
import { AssignmentStore } from './assignment-store.js';
import { effectiveImages } from '../core/nodes/effective.js';
import { hasBootFile } from './boot-paths.js';
import { requireKnownImages } from '../core/nodes/node-operations.js';
import { writeEntryScript } from './entry-script.js';
import { expandNodeNames } from '../nodeset/index.js';

/** The nodes booting one image. */
export interface ImageAssignment {
  image: string;
  /** Folded node set, e.g. `c[001-010]`. */
  nodes: string;
  count: number;
}

/** Result of {@link setBoot}. */
export interface SetBootResult {
  image: string;
  /** Folded node set now booting the image. */
  nodes: string;
  count: number;
}

/** Result of {@link unsetBoot}. */
export interface UnsetBootResult {
  /** Folded node set whose assignment was removed ('' if none was assigned). */
  removed: string;
  /** Folded node set of the given nodes that had no assignment of their own. */
  notAssigned: string;
  /** Folded node set of removed nodes that still boot an image given by a profile. */
  stillBooting: string;
}

function fold(names: readonly string[]): string {
  return names.length === 0 ? '' : foldNodes(names);
}

/** Checks that `image` exists, is CREATED and has a boot file. */
async function requireBootable(services: CoreServices, image: string): Promise<void> {
  // A bad name is named as such (E_IMAGE_NAME) before it is looked up.
  validateImageName(image);
  // A missing image is bad input naming the ones there are, as for `node set --image`.
  await requireKnownImages(services, [image]);
  const summary = await services.images.status(image);
  if (summary.status !== 'CREATED') {
    throw new UsageError('E_BOOT_IMAGE_NOT_READY', `image "${image}" is ${summary.status} and cannot be booted`,
      'assign nodes to a CREATED image (see `disklessset image list`)');
  }
  if (!hasBootFile(services.paths, image)) {
    throw new UsageError('E_BOOT_IMAGE_NO_BOOT_FILE', `image "${image}" has no boot.ipxe`,
      'its class does not boot nodes; pick a livenet or NFS image');
  }
}

/**
 * Makes every node of `nodeSet` boot `image` (its own `image` in the
 * inventory; nodes not in the inventory yet are added), then refreshes the
 * entry script. Shorthand for `node set NODESET --image IMAGE`.
 * @throws UsageError (node set) E_IMAGE_NAME, E_BOOT_IMAGE_NOT_READY, E_BOOT_IMAGE_NO_BOOT_FILE,
 *   E_NODE_UNKNOWN_IMAGE, E_NODE_NO_ROOT; OperationError E_NO_SPACE (nothing changed).
 */
export async function setBoot(services: CoreServices, nodeSet: string, image: string): Promise<SetBootResult> {
  const nodes = expandNodeNames(nodeSet);
  await requireBootable(services, image);
  return services.inventory.update(async (document) => {
    for (const node of nodes) {
      const entry = Object.hasOwn(document.nodes, node) ? document.nodes[node] : undefined;
      if (entry) entry.image = image;
      else document.nodes[node] = { image };
    }
    await writeEntryScript(services);
    return { image, nodes: fold(nodes), count: nodes.length };
  });
}

/**
 * Removes the own image of every node of `nodeSet` (they get the menu, unless
 * a profile still gives them one: those are named in `stillBooting`).
 * @throws UsageError (node set); OperationError E_NO_SPACE.
 */
export async function unsetBoot(services: CoreServices, nodeSet: string): Promise<UnsetBootResult> {
  const nodes = expandNodeNames(nodeSet);
  return services.inventory.update((document) => {
    const removed = nodes.filter((node) => Object.hasOwn(document.nodes, node) && document.nodes[node]?.image !== undefined);
    const removedSet = new Set(removed);
    const notAssigned = nodes.filter((node) => !removedSet.has(node));
    for (const node of removed) delete (document.nodes[node] as { image?: string }).image;
    const inherited = effectiveImages(document);
    const stillBooting = removed.filter((node) => node in inherited);
    return { removed: fold(removed), notAssigned: fold(notAssigned), stillBooting: fold(stillBooting) };
  });
}

/** Every image with the nodes booting it, sorted by image name. */
export async function listBoot(services: CoreServices): Promise<ImageAssignment[]> {
  const current = await new AssignmentStore(services.paths).read();
  // One push per node: copying each image's list per node was quadratic (minutes for 100,000 nodes).
  const byImage = new Map<string, string[]>();
  for (const [node, image] of Object.entries(current)) {
    const nodes = byImage.get(image);
    if (nodes) nodes.push(node);
    else byImage.set(image, [node]);
  }
  return [...byImage.entries()].sort(([a], [b]) => a.localeCompare(b))
    .map(([image, nodes]) => ({ image, nodes: fold(nodes), count: nodes.length }));
}

/** The image each node of `nodeSet` boots (null: none). */
export async function bootOf(services: CoreServices, nodeSet: string): Promise<Record<string, string | null>> {
  const nodes = expandNodeNames(nodeSet);
  const current = await new AssignmentStore(services.paths).read();
  return Object.fromEntries(nodes.map((node) => [node, Object.hasOwn(current, node) ? current[node] as string : null]));
}

/** Nodes assigned to boot `image`. */
export async function nodesBooting(services: CoreServices, image: string): Promise<string[]> {
  const current = await new AssignmentStore(services.paths).read();
  // Nodes pinned to one of its versions (`NAME@VERSION`) boot it too.
  return Object.keys(current).filter((node) => imageOfReference(current[node] as string) === image);
}
