/**
 * Builders for the node inventory of a test root: a root with demo images to
 * assign, `nodes.yml` written as a command killed half-way would have left
 * it, and what it assigns read back.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Paths } from '../../src/core/paths.js';
import { effectiveImages } from '../../src/core/nodes/effective.js';
import { NodeInventory } from '../../src/core/nodes/inventory.js';
import { emptyInventory, formatInventory, parseInventory } from '../../src/core/nodes/inventory-file.js';
import { makeTempRoot, type TempRoot } from './temp-root.js';

/** A temporary root holding one demo image (bootable, made in a second) per name, created through the CLI, and its paths. */
export async function rootWithDemoImages(...images: string[]): Promise<{ t: TempRoot; paths: Paths }> {
  const t = await makeTempRoot();
  try {
    for (const image of images) {
      const made = await t.cli(['demo', 'create', image, '--message', image]);
      assert.equal(made.exitCode, 0, made.stderr);
    }
    return { t, paths: (await t.services()).paths };
  } catch (error) {
    await t.cleanup();
    throw error;
  }
}

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

/** Runs `body` on a NodeInventory over `nodes.yml` in a fresh temporary folder (no root: the file alone), removed afterwards. */
export async function withInventory(body: (inventory: NodeInventory, file: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'disklessset-inventory-'));
  try {
    const file = join(dir, 'nodes.yml');
    await body(new NodeInventory(file), file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
