/**
 * The journal a build writes into installations.yml: each path and mount is
 * recorded *before* it is created, so that cleaning a killed build can undo
 * everything it did.
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
    await this.installations.record(this.name, 'paths', path);
    return path;
  }

  /** Records then creates a folder. */
  async makeDir(path: string): Promise<string> {
    await this.trackPath(path);
    await mkdir(path, { recursive: true });
    return path;
  }

  /** Records a mount point before mounting on it. */
  async trackMount(mountPoint: string): Promise<void> {
    await this.installations.record(this.name, 'mounts', mountPoint);
  }

  /** Forgets a mount point once it is unmounted. */
  async untrackMount(mountPoint: string): Promise<void> {
    await this.installations.forgetMount(this.name, mountPoint);
  }

  /** Throws if the build was asked to stop. */
  checkAborted(): void {
    this.signal?.throwIfAborted();
  }
}
