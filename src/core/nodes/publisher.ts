/**
 * What a layer above core wants done around each change of the inventory.
 * The boot layer publishes node scripts from it (boot/boot-publisher.ts);
 * core only calls the hooks, in the order that makes a kill safe.
 */
import type { InventoryDocument } from './inventory-file.js';

/** What a recovery did: how many files it published (0: nothing to do), and warnings for the user (one line each). */
export interface RecoverOutcome {
  published: number;
  warnings: string[];
}

/** Hooks run by NodeInventory.update (and the start-of-command repair), all with the inventory lock held but `needsRecovery`. */
export interface InventoryPublisher<Pending = unknown> {
  /**
   * Without the lock, from the inventory's text (undefined: no file): whether
   * what is published disagrees with it (a killed change, a hand edit).
   */
  needsRecovery(text: string | undefined): Promise<boolean>;
  /** Makes what is published follow `current` (read from `text`; undefined: no file); says what it did. */
  recover(current: InventoryDocument, text: string | undefined): Promise<RecoverOutcome>;
  /**
   * Before the file is replaced by `nextText`: prepares what will be
   * published, without publishing it. `previous` is the inventory the change
   * replaces, as read under the lock ('' text: no file): a publisher may
   * reuse what it published from it for what the change left alone.
   */
  before(next: InventoryDocument, nextText: string, previous: { document: InventoryDocument; text: string }): Promise<Pending>;
  /** After the file is replaced: publishes what `before` prepared. */
  after(nextText: string, pending: Pending): Promise<void>;
  /**
   * Writing or publishing failed: puts the previous inventory back (with
   * `restore`, which rewrites the file and returns it) and returns the error to throw.
   */
  failed(pending: Pending, error: unknown, restore: () => Promise<{ document: InventoryDocument; text: string }>): Promise<unknown>;
}
