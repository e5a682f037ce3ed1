/**
 * Versions of images that nodes or profiles are pinned to (`NAME@VERSION`
 * in the inventory). Pruning never removes them, and the start-of-command
 * version repair never deletes their files (see core/image/version-repair.ts).
 */
import { readTextIfExists } from '../state/atomic-file.js';
import { parseInventory } from './inventory-file.js';
import type { Paths } from '../paths.js';

/** Who holds each pinned version: image name → version id → node names and `profile NAME` entries. */
export type Pins = Map<string, Map<string, string[]>>;

/** Every pin of the inventory; undefined when the inventory is unreadable (then nothing may be removed). */
export async function readPins(paths: Paths): Promise<Pins | undefined> {
  const text = await readTextIfExists(paths.inventoryFile);
  const pins: Pins = new Map();
  // Cheap look first: every command runs the repair, and most inventories pin nothing.
  if (text === undefined || !text.includes('@')) return pins;
  try {
    const document = parseInventory(text, paths.inventoryFile);
    const holders: [string, string | undefined][] = [
      ...Object.entries(document.nodes).map(([node, entry]): [string, string | undefined] => [node, entry.image]),
      ...Object.entries(document.profiles).map(([profile, entry]): [string, string | undefined] => [`profile ${profile}`, entry.image]),
    ];
    for (const [holder, image] of holders) {
      const at = image?.indexOf('@') ?? -1;
      if (image === undefined || at < 0) continue;
      const [name, version] = [image.slice(0, at), image.slice(at + 1)];
      const versions = pins.get(name) ?? new Map<string, string[]>();
      versions.set(version, [...versions.get(version) ?? [], holder]);
      pins.set(name, versions);
    }
    return pins;
  } catch {
    return undefined;
  }
}

/** Version ids of image `name` named by nodes or profiles; undefined when the inventory is unreadable (nothing may be pruned then). */
export async function pinnedVersions(paths: Paths, name: string): Promise<string[] | undefined> {
  const pins = await readPins(paths);
  return pins === undefined ? undefined : [...pins.get(name)?.keys() ?? []];
}
