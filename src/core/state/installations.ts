/**
 * The registry of builds in progress, `installations.yml`, in the original
 * tool's format (`<name>: {pid, image_class}`) plus fields the original
 * ignores: the creator's start time and boot id, and the journal of every path
 * and mount the build made, recorded *before* it is made so that cleaning can
 * always undo a killed build.
 */
import { parse, stringify } from 'yaml';
import { ConflictError } from '../errors.js';
import { readTextIfExists, writeFileAtomic } from './atomic-file.js';
import { withLock } from './lock.js';
import { identify, isAlive } from './process-identity.js';

/** One build in progress as stored on disk. */
export interface InstallationEntry {
  pid: number;
  image_class: string;
  start_time?: number;
  boot_id?: string;
  /** Paths the build created or was about to create. */
  paths?: string[];
  /** Mount points the build mounted or was about to mount. */
  mounts?: string[];
}

/** Status of an image name, as the original defines it. */
export type ImageStatus = 'CREATED' | 'IN_CREATION' | 'CORRUPTED';

/** Whether the creator of an entry is still running. */
export function creatorAlive(entry: InstallationEntry): boolean {
  return isAlive({ pid: entry.pid, startTime: entry.start_time, bootId: entry.boot_id });
}

/** Reads and changes `installations.yml`; every change happens under its lock. */
export class InstallationsRegistry {
  constructor(readonly file: string) {}

  /** Current entries (a missing or empty file means none). */
  async read(): Promise<Record<string, InstallationEntry>> {
    const text = await readTextIfExists(this.file);
    if (text === undefined) return {};
    const document = parse(text) as unknown;
    if (!document || typeof document !== 'object') return {};
    const entries: Record<string, InstallationEntry> = {};
    for (const [name, value] of Object.entries(document as Record<string, unknown>)) {
      if (value && typeof value === 'object') entries[String(name)] = value as InstallationEntry;
    }
    return entries;
  }

  /** Read-modify-write under the lock; `change` may mutate the entries it gets. */
  async update<T>(change: (entries: Record<string, InstallationEntry>) => T | Promise<T>): Promise<T> {
    return withLock(this.file, async () => {
      const entries = await this.read();
      const result = await change(entries);
      const text = Object.keys(entries).length === 0 ? '' : stringify(entries);
      await writeFileAtomic(this.file, text, 0o644);
      return result;
    });
  }

  /**
   * Registers a new build of `name` by the current process. `mayStart` runs
   * inside the lock, so two processes creating the same name cannot both pass.
   */
  async begin(name: string, imageClass: string, mayStart: () => Promise<void>): Promise<void> {
    await this.update(async (entries) => {
      if (entries[name]) {
        throw new ConflictError('E_IMAGE_EXISTS', `image "${name}" is already being created or is corrupted`,
          'choose another name, or clean it with `disklessset image clean`');
      }
      await mayStart();
      const me = identify();
      entries[name] = { pid: me.pid, image_class: imageClass, start_time: me.startTime, boot_id: me.bootId, paths: [], mounts: [] };
    });
  }

  /** Adds a path (or mount point) to a build's journal before it is created. */
  async record(name: string, kind: 'paths' | 'mounts', path: string): Promise<void> {
    await this.update((entries) => {
      const entry = entries[name];
      if (!entry) return;
      const list = entry[kind] ?? [];
      if (!list.includes(path)) list.push(path);
      entry[kind] = list;
    });
  }

  /** Drops a mount point from the journal once it is unmounted. */
  async forgetMount(name: string, path: string): Promise<void> {
    await this.update((entries) => {
      const entry = entries[name];
      if (entry?.mounts) entry.mounts = entry.mounts.filter((m) => m !== path);
    });
  }

  /** Removes an entry (build finished, or its leftovers were cleaned). */
  async remove(name: string): Promise<void> {
    await this.update((entries) => {
      delete entries[name];
    });
  }
}
