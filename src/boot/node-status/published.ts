/**
 * What is published now, for `node status`: the ETag the boot server would
 * send for a recorded URL path (computed by the server's own function from
 * the same file, so "booted" and "published" compare exactly), and each
 * image's kernel.
 */
import { statSync } from 'node:fs';
import type { CoreServices } from '../../core/core-services.js';
import type { Paths } from '../../core/paths.js';
import { entityTag } from '../../serve/conditional.js';
import type { BootUrls } from '../ipxe/urls.js';
import { stageOf, stagePath, type StageFile } from './stages.js';

/** A recorded URL path as it stands now: the stage file it names and that file's current ETag. */
export interface PathNow {
  file: StageFile | undefined;
  /** ETag the server would send now; null when the file is gone or the path names no file. */
  version: string | null;
}

/**
 * Current version of each recorded URL path, worked out once per distinct
 * path however many nodes fetched it (10,000 nodes share one kernel path).
 * The `stat` is synchronous: one per distinct file, a few microseconds each
 * from the inode cache, where a promise per node script cost more than the
 * system call itself (and most of the garbage collection of a 10,000-node status).
 */
export class PublishedVersions {
  private readonly byPath = new Map<string, PathNow>();
  constructor(private readonly paths: Paths, private readonly urls: BootUrls) {}

  /** The stage file and current ETag of URL path `path` (as recorded). */
  of(path: string): PathNow {
    let now = this.byPath.get(path);
    if (now === undefined) {
      const file = stageOf(this.urls, path);
      // A path that no longer parses (edited file, changed URL layout) has no current version.
      const physical = file ? stagePath(this.paths, file) : undefined;
      now = { file, version: physical === undefined ? null : currentVersion(physical) };
      this.byPath.set(path, now);
    }
    return now;
  }
}

function currentVersion(file: string): string | null {
  try {
    const stats = statSync(file, { throwIfNoEntry: false });
    return stats?.isFile() ? entityTag(stats) : null;
  } catch {
    return null;
  }
}

/** Kernel file name of each image that has a kernel. */
export async function imageKernels(services: CoreServices): Promise<Map<string, string>> {
  const kernels = new Map<string, string>();
  for (const image of await services.images.list()) {
    const kernel = image.attributes?.kernel;
    if (typeof kernel === 'string') kernels.set(image.name, kernel);
  }
  return kernels;
}
