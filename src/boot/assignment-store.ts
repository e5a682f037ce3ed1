/**
 * The boot view of the node inventory: which image each node boots (its
 * effective `image`, see core/nodes/effective.ts). Node scripts are
 * published from the inventory by {@link BootScriptPublisher} on every
 * change; this module reads the assignments, repairs what a killed change
 * left, and moves the assignments file of earlier versions into the inventory.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { OperationError } from '../errors/index.js';
import type { Paths } from '../core/paths.js';
import { readTextIfExists } from '../core/state/atomic-file.js';
import { effectiveImages } from '../core/nodes/effective.js';
import { NodeInventory } from '../core/nodes/inventory.js';
import { isImageName } from '../core/names.js';
import { isNodeName } from '../nodeset/index.js';
import { BootScriptPublisher, INTENT_FILE } from './boot-publisher.js';

export { INTENT_FILE };

/** Node name → image name. */
export type AssignmentMap = Record<string, string>;

/** File name of the assignments of earlier versions, inside the state folder (moved into nodes.yml by {@link AssignmentStore.repair}). */
export const ASSIGNMENTS_FILE = 'boot-assignments.json';

/**
 * The inventory of `paths` with node scripts published from it by `scripts`
 * (a new publisher by default; the wiring passes its own to add followers):
 * the one way the tool opens it.
 */
export function bootInventory(paths: Paths, scripts: BootScriptPublisher = new BootScriptPublisher(paths)): NodeInventory {
  return new NodeInventory(paths.inventoryFile, scripts);
}

/** Reads boot assignments and repairs them after a kill. */
export class AssignmentStore {
  readonly inventory: NodeInventory;

  constructor(private readonly paths: Paths, inventory?: NodeInventory) {
    this.inventory = inventory ?? bootInventory(paths);
  }

  /**
   * Current assignments (node → image) from the inventory.
   * @throws OperationError E_INVENTORY_INVALID when nodes.yml cannot be read.
   */
  async read(): Promise<AssignmentMap> {
    return effectiveImages(await this.inventory.read());
  }

  /**
   * Run first by every command: moves an assignments file of an earlier
   * version into the inventory, then publishes the node scripts again when
   * they disagree with nodes.yml (a change a killed command left half-done,
   * a hand edit, the folder of an earlier version), unless another live
   * command holds the lock: it publishes its own change. Returns how many
   * nodes' assignments were moved, how many script files were published, and
   * warnings about what was published (nodes naming an image that does not exist).
   * @throws OperationError E_BOOT_STATE_INVALID for an unreadable old file.
   */
  async repair(): Promise<{ moved: number; repaired: number; warnings: string[] }> {
    const moved = await this.moveLegacyAssignments();
    // Most commands find the published scripts in step with nodes.yml: they skip the lock altogether.
    if (!(await this.inventory.needsRecovery())) return { moved, repaired: 0, warnings: [] };
    const { published, warnings } = await this.inventory.recover();
    return { moved, repaired: published, warnings };
  }

  private async moveLegacyAssignments(): Promise<number> {
    const file = join(this.paths.stateDir, ASSIGNMENTS_FILE);
    const text = await readTextIfExists(file);
    if (text === undefined) return 0;
    let nodes: Record<string, unknown>;
    try {
      const parsed = JSON.parse(text) as { nodes?: unknown };
      if (typeof parsed.nodes !== 'object' || parsed.nodes === null || Array.isArray(parsed.nodes)) throw new Error('no "nodes" object');
      nodes = parsed.nodes as Record<string, unknown>;
    } catch (error) {
      throw new OperationError('E_BOOT_STATE_INVALID', `${file} is not a valid assignments file: ${(error as Error).message}`,
        'restore it from a backup or remove it and assign the nodes again');
    }
    // Names from a file become file names and boot URLs: only valid ones move.
    const valid = Object.entries(nodes).filter((entry): entry is [string, string] => isNodeName(entry[0]) && isImageName(entry[1]));
    await this.inventory.update((document) => {
      for (const [node, image] of valid) {
        const entry = Object.hasOwn(document.nodes, node) ? document.nodes[node] : undefined;
        if (!entry) document.nodes[node] = { image };
        else entry.image ??= image;
      }
    }, { unchecked: true });
    // Only once the inventory holds them: a kill before this line moves them again (same result).
    await rm(file, { force: true });
    return valid.length;
  }
}
