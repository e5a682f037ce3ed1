/**
 * The registry of builds in progress, `installations.yml`, in the original
 * tool's format (`<name>: {pid, image_class}`) plus fields the original
 * ignores: the creator's start time and boot id, and the journal of every path
 * the build made and every command it started, recorded *before* it is made so
 * that cleaning can always undo a killed build.
 */
import { parseYamlText, stringifyYaml } from '../yaml-text.js';
import { OperationError } from '../../errors/index.js';
import { readTextIfExists, writeFileAtomic } from './atomic-file.js';
import { checkInstallations, type InstallationEntry } from './installations-shape.js';
import { withLock } from './lock.js';
import { identify, isAlive } from './process-identity.js';

export type { InstallationEntry } from './installations-shape.js';

/**
 * Status of an image name. The original's three, plus DAMAGED:
 * - CREATED: its image_data.yml loads;
 * - IN_CREATION: a build entry whose creator runs;
 * - CORRUPTED: a build entry whose creator is gone (a killed build): cleaned automatically;
 * - DAMAGED: no build entry and an image_data.yml that cannot be read: kept
 *   (it may be a file damaged by hand or by the disk), removed only when forced.
 */
export type ImageStatus = 'CREATED' | 'IN_CREATION' | 'CORRUPTED' | 'DAMAGED';

/** Aliases allowed in installations.yml: the tool writes none, so a few is plenty (an alias bomb is refused). */
const MAX_ALIASES = 20;

/** Whether the creator of an entry is still running. */
export function creatorAlive(entry: InstallationEntry): boolean {
  return isAlive({ pid: entry.pid, startTime: entry.start_time, bootId: entry.boot_id });
}

/**
 * Reads and changes `installations.yml`; every change happens under its lock.
 * Every changing method may throw what {@link InstallationsRegistry.update} throws.
 */
export class InstallationsRegistry {
  constructor(readonly file: string) {}

  /**
   * Current entries (a missing or empty file means none).
   * @throws OperationError E_STATE_FILE_INVALID when it cannot be parsed or has the wrong shape.
   */
  async read(): Promise<Record<string, InstallationEntry>> {
    const text = await readTextIfExists(this.file);
    if (text === undefined) return {};
    let document: unknown;
    try {
      document = parseYamlText(text, { maxAliasCount: MAX_ALIASES });
    } catch (error) {
      throw new OperationError('E_STATE_FILE_INVALID',
        `${this.file} is not valid YAML (${(error as Error).message.split('\n')[0]})`,
        'fix it by hand, or move it aside if no build is running (its builds then show as DAMAGED images)');
    }
    return checkInstallations(this.file, document);
  }

  /**
   * Read-modify-write under the lock; `change` may mutate the entries it gets.
   * @throws OperationError E_STATE_FILE_INVALID, E_NO_SPACE; ConflictError E_LOCK_TIMEOUT; whatever `change` throws (nothing is written then).
   */
  async update<T>(change: (entries: Record<string, InstallationEntry>) => T | Promise<T>): Promise<T> {
    return withLock(this.file, async () => {
      const entries = await this.read();
      const result = await change(entries);
      const text = Object.keys(entries).length === 0 ? '' : stringifyYaml(entries);
      await writeFileAtomic(this.file, text, 0o644);
      return result;
    });
  }

  /**
   * Registers a new build of `name` by the current process. `mayStart` runs
   * inside the lock, so two processes creating the same name cannot both
   * pass; it is the one check that the name is free (the image manager gives
   * `requireFreeName`, which also refuses a name with an entry here), and an
   * entry of `name` is replaced only if it lets the build start.
   * @throws whatever `mayStart` throws (E_IMAGE_EXISTS from `requireFreeName`); nothing is written then.
   */
  async begin(name: string, imageClass: string, mayStart: () => Promise<void>): Promise<void> {
    await this.update(async (entries) => {
      await mayStart();
      const me = identify();
      entries[name] = { pid: me.pid, image_class: imageClass, start_time: me.startTime, boot_id: me.bootId, paths: [] };
    });
  }

  /**
   * Registers the removal of the CREATED image `name` by the current process:
   * if it is killed half-way, the image shows as CORRUPTED and the next
   * command finishes the removal.
   */
  async beginRemoval(name: string, imageClass: string): Promise<void> {
    await this.update((entries) => {
      const me = identify();
      entries[name] = { pid: me.pid, image_class: imageClass, start_time: me.startTime, boot_id: me.bootId, operation: 'removal' };
    });
  }

  /** Adds a path to a build's journal before it is created. */
  async recordPath(name: string, path: string): Promise<void> {
    await this.update((entries) => {
      const entry = entries[name];
      if (!entry) return;
      const list = entry.paths ?? [];
      if (!list.includes(path)) list.push(path);
      entry.paths = list;
    });
  }

  /** Adds a started command (its process group) to a build's journal. */
  async recordChild(name: string, child: { pid: number; startTime?: number }): Promise<void> {
    await this.update((entries) => {
      const entry = entries[name];
      if (!entry) return;
      entry.children = [...(entry.children ?? []), { pid: child.pid, start_time: child.startTime }];
    });
  }

  /** Removes an entry (build finished, or its leftovers were cleaned). */
  async remove(name: string): Promise<void> {
    await this.update((entries) => {
      delete entries[name];
    });
  }
}
