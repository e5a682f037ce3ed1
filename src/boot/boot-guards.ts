/**
 * Ties boot assignments to the image life cycle of one root (its `CoreServices`):
 * - removing an image that nodes still boot is refused (unless forced);
 * - after images are created, removed or cleaned, the entry script's menu is
 *   regenerated and the assignments of vanished images are dropped (the
 *   nodes are handed back to the manager, whose caller says which they were);
 * - a change of the inventory naming an image that does not exist, or giving
 *   a golden NFS image to a node without its tree, is refused (node-roots.ts).
 * `openServices` (src/services/) installs them for every user of the library.
 */
import { ConflictError } from '../errors/index.js';
import type { ImageManager } from '../core/image/image-manager.js';
import type { CoreServices } from '../core/core-services.js';
import { countNodes, foldNodes } from '../nodeset/index.js';
import { nodesBooting } from './boot-assignments.js';
import { refreshBootMenu } from './entry-script.js';
import { checkAssignedImages } from './node-roots.js';

const installed = new WeakSet<ImageManager>();

/**
 * Installs the boot guards on `services.images` (once per manager). From
 * then on, removing or cleaning a CREATED image that nodes boot, without
 * `force`, throws ConflictError E_IMAGE_BOOTED naming the nodes (folded) and
 * their count; with `force`, the dropped nodes come back in the outcome.
 */
export function installBootGuards(services: CoreServices): void {
  const images = services.images;
  if (installed.has(images)) return;
  installed.add(images);
  images.addRemovalGuard(async (name) => {
    const nodes = await nodesBooting(services, name);
    if (nodes.length === 0) return;
    throw new ConflictError('E_IMAGE_BOOTED', `image "${name}" is still booted by ${countNodes(nodes.length)}: ${foldNodes(nodes)}`,
      `assign them another image (\`disklessset boot set ${foldNodes(nodes)} IMAGE\`), unassign them (\`disklessset boot unset ...\`) or remove with --force`);
  });
  images.addChangeListener(async () => ({ unassigned: await refreshBootMenu(services) }));
  services.inventory.addGuard((previous, next) => checkAssignedImages(services, previous, next));
}
