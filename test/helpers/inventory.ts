/**
 * Builders for the node inventory of a test root: write `nodes.yml` as a
 * command killed half-way would have left it, and read back what it assigns.
 */
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
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

/** Node → image its published node script chains (`nodes/<node>.ipxe` in the boot tree), for every script on disk. */
export async function readNodeScripts(paths: Paths): Promise<Record<string, string>> {
  const names = (await readdir(paths.bootNodesDir).catch(() => [] as string[])).filter((name) => name.endsWith('.ipxe')).sort();
  const scripts: Record<string, string> = {};
  for (const name of names) {
    const text = await readFile(join(paths.bootNodesDir, name), 'utf8');
    scripts[name.slice(0, -'.ipxe'.length)] = /images\/([^/]+)\/boot\.ipxe/.exec(text)?.[1] ?? '?';
  }
  return scripts;
}
