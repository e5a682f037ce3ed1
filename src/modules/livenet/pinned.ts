/** Versions of an image that nodes or profiles are pinned to (`NAME@VERSION` in the inventory): never pruned. */
import { readTextIfExists } from '../../core/state/atomic-file.js';
import { parseInventory } from '../../core/nodes/inventory-file.js';
import type { Paths } from '../../core/paths.js';

/** Version ids of `name` named by nodes or profiles; undefined when the inventory is unreadable (nothing may be pruned then). */
export async function pinnedVersions(paths: Paths, name: string): Promise<string[] | undefined> {
  const text = await readTextIfExists(paths.inventoryFile);
  if (text === undefined) return [];
  try {
    const document = parseInventory(text, paths.inventoryFile);
    const prefix = `${name}@`;
    return [...Object.values(document.nodes), ...Object.values(document.profiles)]
      .map((entry) => entry.image).filter((image): image is string => image?.startsWith(prefix) === true).map((image) => image.slice(prefix.length));
  } catch {
    return undefined;
  }
}
