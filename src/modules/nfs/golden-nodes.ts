/**
 * Node operations on a golden image by name, each under the image's lock so
 * that two commands never copy or delete trees of one image at once.
 * Shared by the CLI commands, the menu and the API.
 */
import { UsageError } from '../../errors/index.js';
import { validateImageName } from '../../core/names.js';
import type { CoreServices } from '../../core/core-services.js';
import { NfsGoldenImage } from './golden-image.js';
import { logicalGoldenNodesDir } from './nfs-layout.js';
import { foldNodeNames } from './stored-node-lists.js';
import { expandNodeNames } from '../../nodeset/index.js';
import { addNodeTrees, reconcileNodeTrees, removeNodeTrees, type AddResult, type NodeTreeOptions,
  type RemoveResult } from './node-trees.js';
import { recordNodes, unassignNodes, type Unassigned } from './inventory-sync.js';

/**
 * Loads a created golden image.
 * @throws UsageError E_IMAGE_NAME, E_NOT_GOLDEN (another class); NotFoundError
 * E_IMAGE_NOT_FOUND; ConflictError E_IMAGE_NOT_READY.
 */
export async function loadGoldenImage(services: CoreServices, name: string): Promise<NfsGoldenImage> {
  const image = await services.images.get(name);
  if (!(image instanceof NfsGoldenImage)) {
    throw new UsageError('E_NOT_GOLDEN', `image "${name}" is ${image.kindPhrase}, not an NFS golden image`,
      'node trees belong to NFS golden images');
  }
  return image;
}

/** Outcome of {@link addGoldenNodes}: the trees, and the inventory. */
export interface AddGoldenResult extends AddResult {
  /** Nodes that were not in the inventory and were added to it. */
  recorded: string[];
  /** Nodes now booting the image (only with `assign`). */
  assigned: string[];
}

/**
 * Adds the nodes of `nodeSet` (e.g. `c[001-100]`) to golden image `name`,
 * then records them in the node inventory (added when missing; given the
 * image as theirs only with `assign`). Trees come first: a kill in between
 * leaves trees no node boots yet, never a node booting a missing tree.
 * @throws UsageError (names), E_NOT_GOLDEN; OperationError E_INVENTORY_INVALID
 *   (checked before any copy), E_NODE_COPY, E_INTERRUPTED.
 */
export async function addGoldenNodes(services: CoreServices, name: string, nodeSet: string,
  options: NodeTreeOptions & { assign?: boolean } = {}): Promise<AddGoldenResult> {
  validateImageName(name);
  const nodes = expandNodeNames(nodeSet);
  // An inventory that cannot be read would refuse the record after the (long) copies: found out first.
  await services.inventory.read();
  await services.images.cleanCorrupted();
  return services.images.withImageLock(name, async () => {
    const result = await addNodeTrees(await loadGoldenImage(services, name), nodes, options);
    return { ...result, ...await recordNodes(services, name, nodes, options.assign === true) };
  });
}

/** Outcome of {@link removeGoldenNodes}. */
export interface RemoveGoldenResult extends RemoveResult, Unassigned {}

/**
 * Removes the nodes of `nodeSet` (their trees only) from golden image `name`.
 * Nodes booting the image are refused unless `force`, which first takes the
 * image off them (so no node ever boots a tree that is gone).
 * @throws UsageError E_NFS_NODE_BOOTS, E_NFS_NODE_BOOTS_BY_PROFILE (see inventory-sync.ts), E_NOT_GOLDEN.
 */
export async function removeGoldenNodes(services: CoreServices, name: string, nodeSet: string,
  options: NodeTreeOptions & { force?: boolean } = {}): Promise<RemoveGoldenResult> {
  validateImageName(name);
  const nodes = expandNodeNames(nodeSet);
  return services.images.withImageLock(name, async () => {
    const image = await loadGoldenImage(services, name);
    const unassigned = await unassignNodes(services, name, nodes, options.force === true);
    return { ...await removeNodeTrees(image, nodes, options), ...unassigned };
  });
}

/** Nodes of a golden image, as listed. */
export interface NodeListing {
  image: string;
  /** Folded node set ('' for none). */
  nodes: string;
  count: number;
  /** One entry per node: its physical tree and the path it mounts over NFS. */
  trees: { node: string; tree: string; nfs_path: string }[];
  /** Listed nodes whose tree was gone (now dropped from the list). */
  missing: string[];
}

/**
 * Lists the nodes of golden image `name`, first reconciling the list with the trees on disk.
 * @throws UsageError E_IMAGE_NAME, E_NOT_GOLDEN; NotFoundError E_IMAGE_NOT_FOUND; ConflictError E_IMAGE_NOT_READY, E_LOCK_TIMEOUT.
 */
export async function listGoldenNodes(services: CoreServices, name: string): Promise<NodeListing> {
  return services.images.withImageLock(name, async () => {
    const image = await loadGoldenImage(services, name);
    const { nodes, missing } = await reconcileNodeTrees(image);
    const nfsBase = logicalGoldenNodesDir(services.paths, name);
    return {
      image: name, nodes: foldNodeNames(nodes), count: nodes.length, missing,
      trees: nodes.map((node) => ({ node, tree: image.nodeTree(node), nfs_path: `${nfsBase}/${node}` })),
    };
  });
}
