/**
 * The state of boot assignments: one JSON file under the state folder mapping
 * each node to the image it boots. It is the source of truth; the per-node
 * iPXE files in the HTTP tree are derived from it. Every change is made under
 * the file's lock and written atomically, in an order a kill cannot break:
 *
 * 1. an intent file names the nodes whose scripts are about to change;
 * 2. the assignments file is replaced;
 * 3. the node scripts of those nodes are derived from it;
 * 4. the intent file is deleted.
 *
 * A kill anywhere leaves either no intent (nothing changed, or all done) or an
 * intent that {@link AssignmentStore.repair} (run by the next command) completes.
 *
 * When step 2 or 3 fails (a full disk, typically), the change is rolled back
 * with the intent still in place: new scripts are removed first (which frees
 * space), the previous assignments are written back, the intent nodes' scripts
 * are derived from them, then the intent is dropped. A kill during the roll
 * back leaves an intent, and the next command derives scripts from whichever
 * assignments file is on disk: the two always agree in the end.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ConflictError, OperationError } from '../errors/index.js';
import type { Paths } from '../core/paths.js';
import { readTextIfExists, writeFileAtomic } from '../core/state/atomic-file.js';
import { diskFullError, isDiskFull } from '../core/state/disk-full.js';
import { withLock } from '../core/state/lock.js';
import { isNodeName } from '../nodeset/index.js';
import { syncNodeScripts } from './node-scripts.js';

/** Node name → image name. */
export type AssignmentMap = Record<string, string>;

/** File name of the assignments, inside the state folder. */
export const ASSIGNMENTS_FILE = 'boot-assignments.json';

/** File name of the intent record (nodes whose scripts may disagree with the assignments), inside the state folder. */
export const INTENT_FILE = 'boot-scripts.pending.json';

/** What a change of node assignments returns to {@link AssignmentStore.changeNodes}. */
export interface NodeChange<T> {
  /** The new assignments (undefined: nothing to save). */
  next?: AssignmentMap;
  /** Nodes whose script must follow the new assignments. */
  affected: readonly string[];
  result: T;
}

/** Reads and changes the assignments file of one installation. */
export class AssignmentStore {
  readonly file: string;
  readonly intentFile: string;

  constructor(private readonly paths: Paths) {
    this.file = join(paths.stateDir, ASSIGNMENTS_FILE);
    this.intentFile = join(paths.stateDir, INTENT_FILE);
  }

  /** Current assignments (none when the file does not exist yet). */
  async read(): Promise<AssignmentMap> {
    const text = await readTextIfExists(this.file);
    if (text === undefined) return {};
    try {
      const parsed = JSON.parse(text) as { nodes?: unknown };
      const nodes = parsed.nodes;
      if (typeof nodes !== 'object' || nodes === null || Array.isArray(nodes)) throw new Error('no "nodes" object');
      const map: AssignmentMap = {};
      for (const [node, image] of Object.entries(nodes)) if (typeof image === 'string') map[node] = image;
      return map;
    } catch (error) {
      throw new OperationError('E_BOOT_STATE_INVALID', `${this.file} is not a valid assignments file: ${(error as Error).message}`,
        'restore it from a backup or remove it and assign the nodes again');
    }
  }

  /**
   * Changes assignments and the scripts of the affected nodes, in the
   * kill-safe order described above. `change` runs under the lock.
   * @throws OperationError E_NO_SPACE when a file system filled up: the
   *   previous assignments and scripts are back, nothing was changed.
   */
  async changeNodes<T>(change: (current: AssignmentMap) => Promise<NodeChange<T>>): Promise<T> {
    return withLock(this.file, async () => {
      await this.finishIntent();
      const current = await this.read();
      const { next, affected, result } = await change({ ...current });
      if (!next) return result;
      if (affected.length > 0) await writeFileAtomic(this.intentFile, `${JSON.stringify({ nodes: affected })}\n`, 0o644);
      try {
        await this.write(next);
        await this.finishIntent();
      } catch (error) {
        throw await this.rollBack(current, affected, error);
      }
      return result;
    });
  }

  /**
   * Puts `previous` back after a failed change of `affected` (caller holds the
   * lock, the intent is on disk) and returns the error to throw: for a full
   * disk, one E_NO_SPACE line saying nothing changed. When the roll back fails
   * too, the intent stays for the next command and `error` is returned as is.
   */
  private async rollBack(previous: AssignmentMap, affected: readonly string[], error: unknown): Promise<unknown> {
    try {
      // Scripts of nodes that had no assignment go first: removing them frees the space the rest needs.
      const added = affected.filter((node) => !Object.hasOwn(previous, node));
      await syncNodeScripts(this.paths, previous, added);
      await this.write(previous);
      await syncNodeScripts(this.paths, previous, affected);
      await rm(this.intentFile, { force: true });
    } catch {
      return error;
    }
    if (!isDiskFull(error) && !(error instanceof OperationError && error.code === 'E_NO_SPACE')) return error;
    const full = error instanceof OperationError ? error : diskFullError(error);
    return new OperationError('E_NO_SPACE', `${full.message}: no boot assignment was changed`, full.hint, { cause: error });
  }

  /** Completes a recorded intent (caller holds the lock): derives its nodes' scripts, then drops it. */
  private async finishIntent(): Promise<string[]> {
    const text = await readTextIfExists(this.intentFile);
    if (text === undefined) return [];
    let nodes: string[] = [];
    try {
      const parsed = JSON.parse(text) as { nodes?: unknown };
      // Names from a file become file names: only valid node names are used.
      if (Array.isArray(parsed.nodes)) nodes = parsed.nodes.filter((n): n is string => typeof n === 'string' && isNodeName(n));
    } catch { /* a torn intent cannot exist (atomic write); an edited one is dropped */ }
    await syncNodeScripts(this.paths, await this.read(), nodes);
    await rm(this.intentFile, { force: true });
    return nodes;
  }

  /**
   * Finishes the change a killed command left half-done, if any: node scripts
   * are re-derived from the assignments. Skipped (returns []) while another
   * live command holds the lock: it finishes its own change.
   */
  async repair(): Promise<string[]> {
    if ((await readTextIfExists(this.intentFile)) === undefined) return [];
    try {
      return await withLock(this.file, () => this.finishIntent(), { timeoutMs: 0 });
    } catch (error) {
      if (error instanceof ConflictError && error.code === 'E_LOCK_TIMEOUT') return [];
      throw error;
    }
  }

  private async write(map: AssignmentMap): Promise<void> {
    const sorted = Object.fromEntries(Object.entries(map).sort(([a], [b]) => a.localeCompare(b)));
    await writeFileAtomic(this.file, `${JSON.stringify({ version: 1, nodes: sorted }, null, 2)}\n`, 0o644);
  }
}
