/**
 * Reading and writing `nodes.yml` for {@link NodeInventory}: the read through
 * the JSON cache (inventory-cache.ts), the locked read-modify-write, and the
 * publisher hooks (core/nodes/publisher.ts) around each write in the order
 * that makes a kill safe: the publisher prepares what it serves from the new
 * inventory, the file is replaced (the commit), the publisher switches over.
 */
import { ConflictError } from '../../errors/index.js';
import { readTextIfExists, writeFileAtomic } from '../state/atomic-file.js';
import { withLock } from '../state/lock.js';
import type { InventoryPublisher, RecoverOutcome } from './publisher.js';
import { checkAddressRules, checkNameCase, checkVersionedLookalike } from './inventory-checks.js';
import { checkServerReferences } from './servers.js';
import { emptyInventory, parseInventory, serializeInventory, type InventoryDocument } from './inventory-file.js';
import { inventoryHash, readCachedInventory, writeInventoryCache } from './inventory-cache.js';
import { shareUntouched } from './effective.js';
import { changeCopy } from './change-copy.js';

/** An inventory as read: the document, the exact text it came from ('' without a file), and whether the file exists. */
export interface InventoryState {
  document: InventoryDocument;
  text: string;
  exists: boolean;
  /** The text is the tool's own writing of the document (the cache says so), not a hand edit. */
  written?: boolean;
}

/**
 * A rule a layer above core adds (the boot layer: images named must exist,
 * NFS golden images need the node's tree). Given the inventory before and
 * after a requested change, it throws to refuse the change; nothing is
 * written then.
 */
export type InventoryGuard = (previous: InventoryDocument, next: InventoryDocument) => Promise<void>;

/** Options of {@link InventoryStore.update}. */
export interface UpdateOptions {
  /** Skip the rules (unique addresses, guards): for repairs following what already happened (an image removed), which must never fail. */
  unchecked?: boolean;
}

/** The file side of the node inventory. */
export class InventoryStore {
  private readonly guards: InventoryGuard[] = [];

  /**
   * @param file the inventory file (`Paths.inventoryFile`).
   * @param publisher hooks run around each change (the wiring passes the boot layer's).
   */
  constructor(readonly file: string, private readonly publisher?: InventoryPublisher) {}

  /** Adds a rule every requested change must pass (see {@link InventoryGuard}). */
  addGuard(guard: InventoryGuard): void {
    this.guards.push(guard);
  }

  /**
   * The whole inventory (empty when the file does not exist yet).
   * @throws OperationError E_INVENTORY_INVALID when the file is not a valid inventory.
   */
  async read(): Promise<InventoryDocument> {
    return (await this.readState()).document;
  }

  /**
   * The inventory with the text it was read from ('' when there is no file).
   * The JSON cache is used when made from this very text; else the YAML is
   * parsed and the cache refreshed (see inventory-cache.ts).
   * @throws OperationError E_INVENTORY_INVALID.
   */
  async readState(): Promise<InventoryState> {
    const text = await readTextIfExists(this.file);
    if (text === undefined) return { document: emptyInventory(), text: '', exists: false };
    const hash = inventoryHash(text);
    const cached = await readCachedInventory(this.file, hash);
    if (cached) return { document: cached.document, text, exists: true, written: cached.written };
    const document = parseInventory(text, this.file);
    // Best effort, without the lock: the copy names the text it came from, so a racing writer's newer file is never shadowed.
    await writeInventoryCache(this.file, hash, document).catch(() => undefined);
    return { document, text, exists: true };
  }

  /**
   * Read-modify-write under the lock: `change` mutates the document it gets,
   * and the file is replaced only if `change` returns without throwing and
   * the result passes the rules (no two names differing only in case; one
   * MAC, one IP per node; no node named like a MAC; servers named exist; the guards).
   * @throws ConflictError E_LOCK_TIMEOUT; UsageError E_NODE_NAME_CASE, E_NODE_MAC_DUPLICATE,
   *   E_NODE_IP_DUPLICATE, E_NODE_MAC_NAME_CLASH, E_NODE_NAME_RESERVED, E_NODE_UNKNOWN_SERVER; whatever `change` or a guard throws.
   */
  async update<T>(change: (document: InventoryDocument) => T | Promise<T>, options: UpdateOptions = {}): Promise<T> {
    return withLock(this.file, async () => {
      const state = await this.readState();
      await this.publisher?.recover(state.document, state.exists ? state.text : undefined);
      const previous = state.document;
      // The change works on a copy, its node entries copied as it reads them (change-copy.ts).
      const copy = changeCopy(previous);
      const result = await change(copy.document);
      const document = copy.settle();
      // Entries the change read but left as they were become the previous ones again: every rule, guard and follower skips them by identity.
      shareUntouched(previous, document);
      if (!options.unchecked) {
        checkNameCase(document);
        checkVersionedLookalike(previous, document);
        checkAddressRules(previous, document);
        checkServerReferences(previous, document);
      }
      const { text, stored } = serializeInventory(document, this.file, { document: previous, ...(state.written ? { text: state.text } : {}) });
      // The guards see the inventory as it will be written, the very document the publisher gets: what they derive from it is not derived again.
      if (!options.unchecked) for (const guard of this.guards) await guard(previous, stored);
      if (!this.publisher) {
        await this.write(text, stored);
        return result;
      }
      const pending = await this.publisher.before(stored, text, { document: previous, text: state.text });
      try {
        await this.write(text, stored);
        await this.publisher.after(text, pending);
      } catch (error) {
        throw await this.publisher.failed(pending, error, async () => {
          await this.write(state.text, previous, state.written === true);
          return { document: previous, text: state.text };
        });
      }
      return result;
    });
  }

  /**
   * Whether the start-of-command repair has work: asked without the lock, so
   * that most commands never take it.
   * @throws OperationError E_INVENTORY_INVALID (only when work is needed and the file must be read).
   */
  async needsRecovery(): Promise<boolean> {
    if (!this.publisher) return false;
    const text = await readTextIfExists(this.file);
    return this.publisher.needsRecovery(text);
  }

  /**
   * Runs the publisher's recovery alone (the start-of-command repair), unless
   * another live command holds the lock: it finishes its own change. Returns
   * how many files were published and the warnings to show.
   */
  async recover(): Promise<RecoverOutcome> {
    const nothing: RecoverOutcome = { published: 0, warnings: [] };
    if (!this.publisher) return nothing;
    const publisher = this.publisher;
    try {
      return await withLock(this.file, async () => {
        const state = await this.readState();
        return publisher.recover(state.document, state.exists ? state.text : undefined);
      }, { timeoutMs: 0 });
    } catch (error) {
      if (!(error instanceof ConflictError && error.code === 'E_LOCK_TIMEOUT')) throw error;
      return nothing;
    }
  }

  /** Replaces nodes.yml by `text` and its cache by `document`; `written`: `text` is the tool's writing of `document` (false: a hand edit put back). */
  protected async write(text: string, document: InventoryDocument, written = true): Promise<void> {
    await writeFileAtomic(this.file, text, 0o644);
    await writeInventoryCache(this.file, inventoryHash(text), document, written);
  }
}
