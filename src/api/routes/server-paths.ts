/**
 * Paths on the server named in API bodies (kernel files, OS trees). An admin
 * token must not turn the boot tree into a way to read any file of the host,
 * so such paths must lie (after resolving symbolic links) in the places that
 * hold kernels and OS trees.
 */
import { realpath } from 'node:fs/promises';
import { sep } from 'node:path';
import { UsageError } from '../../errors/index.js';
import type { Paths } from '../../core/paths.js';

/** Folders the API may read kernels and OS trees from: the host's /boot, the work folder and the NFS trees. */
export function allowedSourceRoots(paths: Paths): string[] {
  return [paths.relocate('/boot'), paths.workDir, paths.nfsImagesDir];
}

async function real(path: string): Promise<string | undefined> {
  return realpath(path).catch(() => undefined);
}

/** The real path of `path`; throws E_API_PATH_NOT_ALLOWED unless it lies in one of `roots`. */
export async function requireAllowedPath(path: string, roots: readonly string[], what: string): Promise<string> {
  const resolved = await real(path);
  const realRoots = (await Promise.all(roots.map(real))).filter((root): root is string => root !== undefined);
  if (!resolved || !realRoots.some((root) => resolved === root || resolved.startsWith(root.endsWith(sep) ? root : `${root}${sep}`))) {
    throw new UsageError('E_API_PATH_NOT_ALLOWED', `${what} ${JSON.stringify(path)} does not exist or is outside ${roots.join(', ')}`,
      'the API only reads kernels and OS trees from those folders; use the CLI for other places');
  }
  return resolved;
}
