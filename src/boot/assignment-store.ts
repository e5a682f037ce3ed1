/**
 * The state of boot assignments: one JSON file under the state folder mapping
 * each node to the image it boots. It is the source of truth; the per-node
 * iPXE files in the HTTP tree are derived from it. Every change is made under
 * the file's lock and written atomically.
 */
import { join } from 'node:path';
import { OperationError } from '../core/errors.js';
import type { Paths } from '../core/paths.js';
import { readTextIfExists, writeFileAtomic } from '../core/state/atomic-file.js';
import { withLock } from '../core/state/lock.js';

/** Node name → image name. */
export type AssignmentMap = Record<string, string>;

/** File name of the assignments, inside the state folder. */
export const ASSIGNMENTS_FILE = 'boot-assignments.json';

/** Reads and changes the assignments file of one installation. */
export class AssignmentStore {
  readonly file: string;

  constructor(paths: Paths) {
    this.file = join(paths.stateDir, ASSIGNMENTS_FILE);
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
   * Runs `change` on the current assignments while holding the lock, saves
   * what it returns (unless it returns undefined) and hands back its result.
   */
  async update<T>(change: (current: AssignmentMap) => Promise<{ next?: AssignmentMap; result: T }>): Promise<T> {
    return withLock(this.file, async () => {
      const { next, result } = await change(await this.read());
      if (next) await this.write(next);
      return result;
    });
  }

  /** Runs `action` holding the lock without changing the assignments. */
  async locked<T>(action: (current: AssignmentMap) => Promise<T>): Promise<T> {
    return withLock(this.file, async () => action(await this.read()));
  }

  private async write(map: AssignmentMap): Promise<void> {
    const sorted = Object.fromEntries(Object.entries(map).sort(([a], [b]) => a.localeCompare(b)));
    await writeFileAtomic(this.file, `${JSON.stringify({ version: 1, nodes: sorted }, null, 2)}\n`, 0o644);
  }
}
