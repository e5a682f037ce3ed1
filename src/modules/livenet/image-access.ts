/** Loading a livenet image for an operation, and what operations share. */
import { UsageError } from '../../errors/index.js';
import type { ProgressSink } from '../../core/progress.js';
import type { RebuildServices } from '../../core/image/image.js';
import { LivenetImage } from './livenet-image.js';

/** Progress and cancellation of a long operation. */
export interface LivenetOperation {
  progress?: ProgressSink;
  signal?: AbortSignal;
  /** Rebuild only: a containers auth.json for a docker:// source, never stored. */
  registryAuth?: string;
  /** Rebuild only: the command that asks, for the version history (default `image rebuild NAME`). */
  command?: string;
}

/**
 * Loads a CREATED image and checks it is a livenet one.
 * @throws UsageError E_IMAGE_NAME, E_NOT_LIVENET; NotFoundError E_IMAGE_NOT_FOUND; ConflictError E_IMAGE_NOT_READY.
 */
export async function loadLivenet(services: RebuildServices, name: string): Promise<LivenetImage> {
  const image = await services.images.get(name);
  if (!(image instanceof LivenetImage)) {
    throw new UsageError('E_NOT_LIVENET', `image "${name}" is ${image.kindPhrase}, not a livenet image`, 'pick a livenet image');
  }
  return image;
}
