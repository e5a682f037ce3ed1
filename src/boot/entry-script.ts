/**
 * Writing the entry script (`diskless/boot.ipxe`) with its iPXE menu of
 * images, kept in step with the images: {@link refreshBootMenu} runs after
 * every change to images or assignments.
 */
import type { CoreServices } from '../core/core-services.js';
import { writeFileAtomic } from '../core/state/atomic-file.js';
import { effectiveImages } from '../core/nodes/effective.js';
import { imageOfReference } from '../core/names.js';
import { entryScriptPath, hasBootFile } from './boot-paths.js';
import { bootUrls, entryScript, type MenuImage } from './ipxe.js';

/** CREATED images that have a boot file, by name. */
async function bootableImages(services: CoreServices): Promise<MenuImage[]> {
  const images = await services.images.list();
  return images
    .filter((image) => image.status === 'CREATED' && hasBootFile(services.paths, image.name))
    .map((image) => ({ name: image.name, imageClass: image.image_class ?? 'unknown' }));
}

/** Rewrites `diskless/boot.ipxe` from the current images (caller holds the inventory lock). */
export async function writeEntryScript(services: CoreServices): Promise<void> {
  const images = await bootableImages(services);
  await writeFileAtomic(entryScriptPath(services.paths), entryScript(bootUrls(services.paths), images), 0o644);
}

/**
 * Brings the boot files in line with the images: drops the assignments (and
 * node scripts) of images that no longer exist — e.g. after `image remove
 * --force` — and regenerates the entry script's menu. Returns the nodes
 * whose assignment was dropped.
 */
export async function refreshBootMenu(services: CoreServices): Promise<string[]> {
  return services.inventory.update(async (document) => {
    const existing = new Set((await services.images.list()).map((image) => image.name));
    const before = effectiveImages(document);
    // An image that is gone is taken out of the nodes and profiles that named it.
    for (const entry of [...Object.values(document.nodes), ...Object.values(document.profiles)]) {
      if (entry.image !== undefined && !existing.has(imageOfReference(entry.image))) delete entry.image;
    }
    await writeEntryScript(services);
    const after = effectiveImages(document);
    // Nodes whose image changed: unassigned, or back to the image of one of their profiles.
    return Object.keys(before).filter((node) => before[node] !== after[node]);
  }, { unchecked: true });
}
