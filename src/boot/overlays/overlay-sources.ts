/**
 * The fingerprint of what the site's overlays are made from, without reading
 * any file: the listing of the overlay sources (`<configDir>/overlays/`,
 * core/overlays/tree-fingerprint.ts), the configured server address
 * (`server.address` in templates) and the account files overlay.yml owners
 * are resolved from. The start-of-command repair compares it with the one
 * recorded at the last full build, so an edited template, a new
 * `server_address` in diskless.yml or an edited /etc/passwd is followed
 * by the next command, whatever it is.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { Paths } from '../../core/paths.js';
import { AccountResolver } from '../../core/overlays/accounts.js';
import { treeFingerprint } from '../../core/overlays/tree-fingerprint.js';

/** Folder of the site's overlays, `<configDir>/overlays/` (the layout; rendering reads it, delivery only watches it). */
export function overlaySourcesDir(paths: Paths): string {
  return join(paths.configDir, 'overlays');
}

/**
 * SHA-256 hex of the overlay sources' listing, `serverAddress` (the config's
 * `server_address`, null when unset) and the account files' fingerprint; the
 * same for a missing sources folder as for an empty one.
 */
export async function overlaySourcesFingerprint(paths: Paths, serverAddress: string | null): Promise<string> {
  const [tree, accounts] = await Promise.all([treeFingerprint(overlaySourcesDir(paths)), new AccountResolver(paths).fingerprint()]);
  return createHash('sha256').update(JSON.stringify([tree, serverAddress, accounts])).digest('hex');
}
