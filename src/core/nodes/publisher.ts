/**
 * What a layer above core wants done around each change of the inventory.
 * The boot layer publishes node scripts from it (boot/boot-publisher.ts);
 * core only calls the hooks, in the order that makes a kill safe.
 */
import type { InventoryDocument } from './inventory-file.js';

/** Hooks run by NodeInventory.update, all with the inventory lock held. */
export interface InventoryPublisher<Pending = unknown> {
  /** Before a change, given the inventory on disk: finishes what a killed change left half-done; returns how many nodes it repaired. */
  recover(current: InventoryDocument): Promise<number>;
  /** Before the file is replaced: records what is about to change; its result goes to `after` / `failed`. */
  before(previous: InventoryDocument, next: InventoryDocument): Promise<Pending>;
  /** After the file is replaced: publishes the change and drops the record. */
  after(next: InventoryDocument, pending: Pending): Promise<void>;
  /**
   * Writing or publishing failed: puts `previous` back (with `restore`, which
   * rewrites the file) and returns the error to throw.
   */
  failed(previous: InventoryDocument, pending: Pending, error: unknown, restore: () => Promise<void>): Promise<unknown>;
}
