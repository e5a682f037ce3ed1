/**
 * The fingerprint of the site's overlay sources (`<configDir>/overlays/`),
 * made from their listing (core/overlays/tree-fingerprint.ts). The
 * start-of-command repair compares it with the one recorded at the last
 * build, so an edited template is followed without reading any file.
 */
import { join } from 'node:path';
import type { Paths } from '../../core/paths.js';
import { treeFingerprint } from '../../core/overlays/tree-fingerprint.js';

/** Folder of the site's overlays, `<configDir>/overlays/` (the layout; rendering reads it, delivery only watches it). */
export function overlaySourcesDir(paths: Paths): string {
  return join(paths.configDir, 'overlays');
}

/** SHA-256 hex of the overlay sources' listing; the same for a missing folder as for an empty one. */
export async function overlaySourcesFingerprint(paths: Paths): Promise<string> {
  return treeFingerprint(overlaySourcesDir(paths));
}
