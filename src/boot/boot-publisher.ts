/**
 * Node scripts follow the inventory. Every inventory change runs, under the
 * inventory lock, in an order a kill cannot break:
 *
 * 1. an intent file names the nodes whose image changes;
 * 2. the inventory file is replaced;
 * 3. the scripts of those nodes are derived from it;
 * 4. the intent file is deleted.
 *
 * A kill anywhere leaves no intent (nothing changed, or all done) or an
 * intent that the next command completes ({@link BootScriptPublisher.recover},
 * run by every command's start-up repair and before every change).
 *
 * When step 2 or 3 fails (a full disk, typically), the change is rolled back
 * with the intent still in place: scripts of newly assigned nodes are removed
 * first (which frees space), the previous inventory is written back, the
 * intent nodes' scripts are derived from it, then the intent is dropped.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { OperationError } from '../errors/index.js';
import type { Paths } from '../core/paths.js';
import { readTextIfExists, writeFileAtomic } from '../core/state/atomic-file.js';
import { diskFullError, isDiskFull } from '../core/state/disk-full.js';
import { effectiveImages } from '../core/nodes/effective.js';
import type { InventoryDocument } from '../core/nodes/inventory-file.js';
import type { InventoryPublisher } from '../core/nodes/publisher.js';
import { isNodeName } from '../nodeset/index.js';
import { syncNodeScripts } from './node-scripts.js';

/** File name of the intent record (nodes whose scripts may disagree with the inventory), inside the state folder. */
export const INTENT_FILE = 'boot-scripts.pending.json';

/** What {@link BootScriptPublisher.before} hands to `after`: the nodes whose image changes, and their images before. */
interface Pending {
  affected: string[];
  before: Record<string, string>;
}

/** Nodes whose effective image differs between two maps. */
function changedNodes(before: Record<string, string>, after: Record<string, string>): string[] {
  const changed = Object.keys(after).filter((node) => before[node] !== after[node]);
  for (const node of Object.keys(before)) if (!(node in after)) changed.push(node);
  return changed;
}

/** Publishes node scripts from the inventory (see the module comment). */
export class BootScriptPublisher implements InventoryPublisher<Pending> {
  readonly intentFile: string;

  constructor(private readonly paths: Paths) {
    this.intentFile = join(paths.stateDir, INTENT_FILE);
  }

  async recover(current: InventoryDocument): Promise<number> {
    const text = await readTextIfExists(this.intentFile);
    if (text === undefined) return 0;
    let nodes: string[] = [];
    try {
      const parsed = JSON.parse(text) as { nodes?: unknown };
      // Names from a file become file names: only valid node names are used.
      if (Array.isArray(parsed.nodes)) nodes = parsed.nodes.filter((n): n is string => typeof n === 'string' && isNodeName(n));
    } catch { /* a torn intent cannot exist (atomic write); an edited one is dropped */ }
    await syncNodeScripts(this.paths, effectiveImages(current), nodes);
    await rm(this.intentFile, { force: true });
    return nodes.length;
  }

  async before(previous: InventoryDocument, next: InventoryDocument): Promise<Pending> {
    const before = effectiveImages(previous);
    const affected = changedNodes(before, effectiveImages(next));
    if (affected.length > 0) await writeFileAtomic(this.intentFile, `${JSON.stringify({ nodes: affected })}\n`, 0o644);
    return { affected, before };
  }

  async after(next: InventoryDocument, pending: Pending): Promise<void> {
    if (pending.affected.length === 0) return;
    await syncNodeScripts(this.paths, effectiveImages(next), pending.affected);
    await rm(this.intentFile, { force: true });
  }

  /**
   * Puts the scripts of the affected nodes back as they were before the
   * change, then returns the error for the inventory to throw: a lack of
   * space becomes OperationError E_NO_SPACE saying no assignment changed;
   * any other error (or a failed undo) is returned as it came.
   */
  async failed(_previous: InventoryDocument, pending: Pending, error: unknown, restore: () => Promise<void>): Promise<unknown> {
    try {
      // Scripts of nodes that had no image go first: removing them frees the space the rest needs.
      await syncNodeScripts(this.paths, pending.before, pending.affected.filter((node) => !(node in pending.before)));
      await restore();
      await syncNodeScripts(this.paths, pending.before, pending.affected);
      await rm(this.intentFile, { force: true });
    } catch {
      return error;
    }
    if (!isDiskFull(error) && !(error instanceof OperationError && error.code === 'E_NO_SPACE')) return error;
    const full = error instanceof OperationError ? error : diskFullError(error);
    return new OperationError('E_NO_SPACE', `${full.message}: no boot assignment was changed`, full.hint, { cause: error });
  }
}
