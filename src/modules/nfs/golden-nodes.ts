/**
 * Node operations on a golden image by name, each under the image's lock so
 * that two commands never copy or delete trees of one image at once.
 * Shared by the CLI commands, the menu and the API.
 */
import { UsageError } from '../../errors/index.js';
import { validateImageName } from '../../core/names.js';
import type { CoreServices } from '../../core/core-services.js';
import { GOLDEN_CLASS, NfsGoldenImage } from './golden-image.js';
import { logicalGoldenNodesDir } from './nfs-layout.js';
import { foldNodeNames } from './stored-node-lists.js';
import { expandNodeNames } from '../../nodeset/index.js';
import { addNodeTrees, reconcileNodeTrees, removeNodeTrees, type AddResult, type NodeTreeOptions,
  type RemoveResult } from './node-trees.js';

/**
 * Loads a created golden image.
 * @throws UsageError E_IMAGE_NAME, E_NOT_GOLDEN (another class); NotFoundError
 * E_IMAGE_NOT_FOUND; ConflictError E_IMAGE_NOT_READY.
 */
export async function loadGoldenImage(services: CoreServices, name: string): Promise<NfsGoldenImage> {
  const image = await services.images.get(name);
  if (!(image instanceof NfsGoldenImage)) {
    throw new UsageError('E_NOT_GOLDEN', `image "${name}" is a ${image.imageClass}, not an ${GOLDEN_CLASS}`,
      'node trees belong to NFS golden images');
  }
  return image;
}

/**
 * Adds the nodes of `nodeSet` (e.g. `c[001-100]`) to golden image `name`.
 * @throws UsageError E_IMAGE_NAME, E_NOT_GOLDEN; NotFoundError E_IMAGE_NOT_FOUND; ConflictError E_IMAGE_NOT_READY, E_LOCK_TIMEOUT; UsageError E_NODESET_EMPTY, E_NODESET_SYNTAX,
 * E_NODESET_TOO_LARGE, E_NODE_NAME; OperationError E_INTERRUPTED, E_NODE_COPY
 * (see {@link addNodeTrees}).
 */
export async function addGoldenNodes(services: CoreServices, name: string, nodeSet: string,
  options: NodeTreeOptions = {}): Promise<AddResult> {
  validateImageName(name);
  const nodes = expandNodeNames(nodeSet);
  await services.images.cleanCorrupted();
  return services.images.withImageLock(name, async () => addNodeTrees(await loadGoldenImage(services, name), nodes, options));
}

/**
 * Removes the nodes of `nodeSet` (their trees only) from golden image `name`.
 * @throws UsageError E_IMAGE_NAME, E_NOT_GOLDEN; NotFoundError E_IMAGE_NOT_FOUND; ConflictError E_IMAGE_NOT_READY, E_LOCK_TIMEOUT; UsageError E_NODESET_EMPTY, E_NODESET_SYNTAX,
 * E_NODESET_TOO_LARGE, E_NODE_NAME.
 */
export async function removeGoldenNodes(services: CoreServices, name: string, nodeSet: string,
  options: NodeTreeOptions = {}): Promise<RemoveResult> {
  const nodes = expandNodeNames(nodeSet);
  return services.images.withImageLock(name, async () => removeNodeTrees(await loadGoldenImage(services, name), nodes, options));
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
