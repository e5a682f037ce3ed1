/**
 * Writing the entry script (`diskless/boot.ipxe`) with its iPXE menu of
 * images, kept in step with the images: {@link refreshBootMenu} runs after
 * every change to images or assignments.
 */
import type { CoreServices } from '../core/core-services.js';
import { writeFileAtomic } from '../core/state/atomic-file.js';
import { AssignmentStore, type AssignmentMap } from './assignment-store.js';
import { entryScriptPath, hasBootFile } from './boot-paths.js';
import { bootUrls, entryScript, type MenuImage } from './ipxe.js';

/** CREATED images that have a boot file, by name. */
async function bootableImages(services: CoreServices): Promise<MenuImage[]> {
  const images = await services.images.list();
  return images
    .filter((image) => image.status === 'CREATED' && hasBootFile(services.paths, image.name))
    .map((image) => ({ name: image.name, imageClass: image.image_class ?? 'unknown' }));
}

/** Rewrites `diskless/boot.ipxe` from the current images (caller holds the assignments lock). */
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
  const store = new AssignmentStore(services.paths);
  return store.changeNodes(async (current) => {
    const existing = new Set((await services.images.list()).map((image) => image.name));
    const orphans = Object.keys(current).filter((node) => !existing.has(current[node] as string));
    await writeEntryScript(services);
    if (orphans.length === 0) return { affected: [], result: orphans };
    const next: AssignmentMap = { ...current };
    for (const node of orphans) delete next[node];
    return { next, affected: orphans, result: orphans };
  });
}
