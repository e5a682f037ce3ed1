/**
 * Builders for the node inventory of a test root: write `nodes.yml` as a
 * command killed half-way would have left it, and read back what it assigns.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Paths } from '../../src/core/paths.js';
import { effectiveImages } from '../../src/core/nodes/effective.js';
import { emptyInventory, formatInventory, parseInventory } from '../../src/core/nodes/inventory-file.js';

/** Writes an inventory whose nodes boot the given images (node → image), replacing any. */
export async function writeAssignedInventory(paths: Paths, assigned: Record<string, string>): Promise<void> {
  const document = emptyInventory();
  for (const [node, image] of Object.entries(assigned)) document.nodes[node] = { image };
  await mkdir(dirname(paths.inventoryFile), { recursive: true });
  await writeFile(paths.inventoryFile, formatInventory(document));
}

/** Node → image, as the inventory on disk assigns them (none when there is no inventory). */
export async function readAssigned(paths: Paths): Promise<Record<string, string>> {
  const text = await readFile(paths.inventoryFile, 'utf8').catch(() => '');
  return { ...effectiveImages(parseInventory(text, paths.inventoryFile)) };
}
