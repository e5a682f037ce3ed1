/**
 * Who may download an overlay archive: the boot layer's answer to the
 * server's access hook (serve/access-policy.ts). An archive holding secrets
 * (SSH host keys) goes only to its node's registered address (inventory
 * `ip`) when the node has one; any other address gets 403, and so does
 * every address when two nodes of the manifest have the same one. An archive
 * without secrets, or of a node without an address, goes to anyone (the
 * build warns about the second case). A file of the overlays folder that the
 * manifest does not know is refused, and every other file is left alone.
 *
 * The rule reads the manifest and, while a build is in progress, its intent,
 * taking the stricter of the two: an archive replaced just before a kill is
 * never served more widely than its records say. A source address is only
 * as trustworthy as the network (docs/overlays.md, "Delivery at boot").
 */
import { realpath, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Paths } from '../../core/paths.js';
import type { AccessPolicy } from '../../serve/access-policy.js';
import { isNodeName } from '../../nodeset/index.js';
import { overlayGenerationsDir, overlayManifestFile, overlaysDir } from '../boot-paths.js';
import { readIntent, readManifest, type OverlayManifest } from './overlay-state.js';

/** The peer address as the inventory writes it: an IPv4 address mapped into IPv6 (`::ffff:a.b.c.d`) becomes `a.b.c.d`. */
export function plainAddress(address: string): string {
  const lower = address.toLowerCase();
  return lower.startsWith('::ffff:') && lower.includes('.') ? lower.slice('::ffff:'.length) : lower;
}

/** Addresses registered for more than one node of `manifest`. */
/** Addresses (plain form) that two or more recorded archives name: the rule gives secrets to neither node. */
export function sharedAddresses(manifest: OverlayManifest): Set<string> {
  const seen = new Set<string>();
  const shared = new Set<string>();
  for (const entry of Object.values(manifest.nodes)) {
    if (entry.ip === undefined) continue;
    const ip = plainAddress(entry.ip);
    if (seen.has(ip)) shared.add(ip);
    seen.add(ip);
  }
  return shared;
}

/**
 * The access rule of the overlay archives of `paths` (see the module
 * comment), for a file of the served `overlays` path (a real folder of an
 * earlier version) or of a generation (what the link resolves to: `serve`
 * hands over real paths). The manifest is read again only when its file
 * changed; the folders' real path is looked up until it exists.
 */
export function overlayAccessPolicy(paths: Paths): AccessPolicy {
  let parent: string | undefined;
  let cached: { key: string; manifest: OverlayManifest; shared: Set<string> } | undefined;
  const manifest = async (): Promise<{ manifest: OverlayManifest; shared: Set<string> }> => {
    const stats = await stat(overlayManifestFile(paths)).catch(() => undefined);
    const key = stats ? `${stats.ino}:${stats.size}:${stats.mtimeMs}` : 'none';
    if (cached?.key !== key) {
      const read = await readManifest(paths);
      cached = { key, manifest: read, shared: sharedAddresses(read) };
    }
    return cached;
  };
  return async (filePath, remoteAddress) => {
    // The folder holding `overlays` and `overlays.gen`, resolved once it exists (the served link itself changes at every build).
    parent ??= await realpath(dirname(overlaysDir(paths))).catch(() => undefined);
    if (parent === undefined) return 'allow';
    const generations = join(parent, basename(overlayGenerationsDir(paths)));
    if (filePath.startsWith(`${generations}/`)) {
      // Only an archive directly inside a generation is an archive; anything else there is refused.
      const [generation = '', file, ...deeper] = filePath.slice(generations.length + 1).split('/');
      if (!/^\d+$/.test(generation) || deeper.length > 0) return 'deny';
      // A generation folder itself: left to the server, which lists no folder (404).
      if (file === undefined) return 'allow';
    } else if (dirname(filePath) !== join(parent, basename(overlaysDir(paths)))) {
      return 'allow';
    }
    const name = basename(filePath);
    const node = name.endsWith('.img') ? name.slice(0, -'.img'.length) : '';
    if (!isNodeName(node)) return 'deny';
    const { manifest: current, shared } = await manifest();
    const published = current.nodes[node];
    const pending = (await readIntent(paths))?.[node];
    if (!published && !pending) return 'deny';
    const secret = Boolean(published?.secret) || Boolean(pending?.secret);
    if (!secret) return 'allow';
    const addresses = [published?.ip, pending?.ip].filter((ip): ip is string => ip !== undefined).map(plainAddress);
    if (addresses.length === 0) return 'allow';
    // Two nodes with one address (a hand edit of nodes.yml): the address proves neither, so neither gets its keys.
    if (addresses.some((ip) => shared.has(ip))) return 'deny';
    return addresses.every((ip) => ip === plainAddress(remoteAddress)) ? 'allow' : 'deny';
  };
}
