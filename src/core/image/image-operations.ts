/** The shapes `ImageManager` operations take and give back (options of long operations, removal outcomes). */
import type { ProgressSink } from '../progress.js';

/** Progress and cancellation of a long operation (create, rebuild). */
export interface CreateOptions {
  progress?: ProgressSink;
  signal?: AbortSignal;
}

/** What a removal or clean did besides deleting the image's files. */
export interface RemovalOutcome {
  /** Nodes that booted the image and now boot no image (expanded names, sorted); empty when none. */
  unassigned: string[];
}
