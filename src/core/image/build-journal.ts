/**
 * The journal a build writes into installations.yml: each path is recorded
 * *before* it is created, so that cleaning a killed build can undo everything
 * it did. Mounts are not journaled: builds mount nothing, and removing a
 * journaled path unmounts whatever lies below it first (`removeManagedPath`),
 * so a mount left in a work folder (an edit) never blocks the undo.
 */
import { mkdir } from 'node:fs/promises';
import type { ProgressSink } from '../progress.js';
import { silentProgress } from '../progress.js';
import type { InstallationsRegistry } from '../state/installations.js';

/** Handed to `ImageClass.create`. */
export class BuildJournal {
  constructor(
    readonly name: string,
    private readonly installations: InstallationsRegistry,
    /** Progress of the build. */
    readonly progress: ProgressSink = silentProgress,
    /** Fires when the build must stop (client gone, Ctrl-C). */
    readonly signal?: AbortSignal,
  ) {}

  /** Records a path the build is about to create (file or folder). */
  async trackPath(path: string): Promise<string> {
    await this.installations.recordPath(this.name, path);
    return path;
  }

  /** Records then creates a folder. */
  async makeDir(path: string): Promise<string> {
    await this.trackPath(path);
    await mkdir(path, { recursive: true });
    return path;
  }

  /** Throws if the build was asked to stop. */
  checkAborted(): void {
    this.signal?.throwIfAborted();
  }
}
