/**
 * Assignments the images can honour. Installed as a guard on the inventory
 * (see boot-guards.ts), so every requested change — `boot set`, `node set
 * --image`, `node add --image`, a profile's image reaching its nodes, the
 * API, an import — is checked before anything is written:
 * - an image a node or a profile names must exist;
 * - an image that keeps one root per node (NFS golden images) must have the
 *   root of every node newly booting it.
 * {@link withNodeRoots} is the `--create-tree` way out: the roots are made
 * first, then the change runs again.
 */
import { UsageError } from '../errors/index.js';
import type { CoreServices } from '../core/core-services.js';
import { changedProfiles, effectiveValue, untouched } from '../core/nodes/effective.js';
import type { NodeEntry } from '../core/nodes/attributes.js';
import type { InventoryDocument } from '../core/nodes/inventory-file.js';
import type { ProgressSink } from '../core/progress.js';
import { requireKnownImages } from '../core/nodes/node-operations.js';
import { imageOfReference } from '../core/names.js';
import { countNodes, foldNodes } from '../nodeset/index.js';

/** Nodes that would boot an image lacking their root. */
export interface MissingRoots {
  image: string;
  nodes: string[];
  /** Command line creating them (without the program name). */
  command?: string;
}

/** The change gives nodes an image without their root: UsageError E_NODE_NO_ROOT, with what is missing. */
export class NodeRootsMissingError extends UsageError {
  constructor(readonly missing: MissingRoots[]) {
    const said = missing.map(({ image, nodes }) => `image ${image} has no node tree for ${foldNodes(nodes)} (${countNodes(nodes.length)})`);
    const commands = missing.flatMap(({ command }) => (command ? [`\`disklessset ${command}\``] : []));
    super('E_NODE_NO_ROOT', said.join('; '), `create ${missing.length === 1 && missing[0]?.nodes.length === 1 ? 'it' : 'them'} first with ${commands.join(' and ')}, or pass --create-tree`);
  }
}

/** Images newly named by a profile, and node → image for nodes whose image changes to a defined one. */
function newlyNamed(previous: InventoryDocument, next: InventoryDocument): { images: Set<string>; byImage: Map<string, string[]> } {
  const images = new Set<string>();
  for (const [name, profile] of Object.entries(next.profiles)) {
    if (profile.image !== undefined && (!Object.hasOwn(previous.profiles, name) || previous.profiles[name]?.image !== profile.image)) images.add(profile.image);
  }
  const profiles = changedProfiles(previous.profiles, next.profiles);
  const byImage = new Map<string, string[]>();
  for (const [node, entry] of Object.entries(next.nodes)) {
    // A node the change left alone keeps its image: skipped without looking its image up on both sides.
    if (untouched(node, previous.nodes, entry, profiles)) continue;
    const image = effectiveValue(entry, next.profiles, 'image');
    const before = Object.hasOwn(previous.nodes, node) ? effectiveValue(previous.nodes[node] as NodeEntry, previous.profiles, 'image') : undefined;
    if (image === undefined || before === image) continue;
    images.add(image);
    const nodes = byImage.get(image);
    if (nodes) nodes.push(node);
    else byImage.set(image, [node]);
  }
  return { images, byImage };
}

/**
 * The inventory guard (see the module comment).
 * @throws UsageError E_NODE_UNKNOWN_IMAGE (listing the images there are), NodeRootsMissingError E_NODE_NO_ROOT.
 */
export async function checkAssignedImages(services: CoreServices, previous: InventoryDocument, next: InventoryDocument): Promise<void> {
  const { images, byImage } = newlyNamed(previous, next);
  if (images.size === 0) return;
  const known = await requireKnownImages(services, [...images]);
  const missing: MissingRoots[] = [];
  for (const [name, nodes] of byImage) {
    const imageName = imageOfReference(name);
    if (known.find((summary) => summary.name === imageName)?.status !== 'CREATED') continue;
    const image = await services.images.get(imageName);
    const without = image.nodesWithoutRoot(nodes);
    if (without.length > 0) missing.push({ image: name, nodes: without, command: image.nodeRootCommand(foldNodes(without)) });
  }
  if (missing.length > 0) throw new NodeRootsMissingError(missing);
}

/**
 * Runs `change`; when it is refused only because nodes lack their roots and
 * `createRoots` is set, creates those roots (each image under its lock) and
 * runs `change` once more. Every other rule was checked by the first run, so
 * no root is made for a change that would be refused anyway.
 */
export async function withNodeRoots<T>(services: CoreServices, createRoots: boolean, change: () => Promise<T>,
  options: { progress?: ProgressSink; signal?: AbortSignal } = {}): Promise<T> {
  try {
    return await change();
  } catch (error) {
    if (!createRoots || !(error instanceof NodeRootsMissingError)) throw error;
    for (const { image, nodes } of error.missing) {
      await services.images.withImageLock(image, async () => (await services.images.get(image)).createNodeRoots(nodes, options));
    }
    return change();
  }
}
