/**
 * Where the peer-to-peer files of a version point (see version-share.ts):
 * the tracker (`p2p_tracker_url` of diskless.yml, else the one `serve
 * --tracker` runs on `server_address`) and the boot servers that serve the
 * root image over HTTP (every server of the inventory, else `server_address`).
 * Read when a version is published or its files are repaired: a server added
 * later is in the next version's torrent, not in the ones published before.
 */
import { isIP } from 'node:net';
import { DEFAULT_TRACKER_PORT, type DisklessConfig } from '../config.js';
import type { Paths } from '../paths.js';
import { InventoryStore } from '../nodes/inventory-store.js';
import { serverMap } from '../nodes/servers.js';
import { compareNames } from '../nodes/inventory-file.js';
import type { ShareSources } from './version-share.js';

/** `address` as the host part of a URL (an IPv6 address in brackets). */
function urlHost(address: string): string {
  return isIP(address) === 6 ? `[${address}]` : address;
}

/**
 * Boot server base URLs: the inventory's servers by name, else the main
 * server (`server_address`), else none. An inventory that cannot be read
 * gives the main server only (commands that read it report the problem).
 */
async function serverBases(paths: Paths, config: DisklessConfig): Promise<string[]> {
  try {
    const servers = serverMap(await new InventoryStore(paths.inventoryFile).read());
    const names = Object.keys(servers).sort(compareNames);
    if (names.length > 0) return names.map((name) => (servers[name] as { url: string }).url);
  } catch { /* fall back to the main server */ }
  return config.serverAddress === null ? [] : [`http://${urlHost(config.serverAddress)}`];
}

/** The tracker and web seed sources of this installation (see the module comment). */
export async function shareSources(paths: Paths, config: DisklessConfig): Promise<ShareSources> {
  const derived = config.serverAddress === null ? undefined : `http://${urlHost(config.serverAddress)}:${DEFAULT_TRACKER_PORT}/announce`;
  const tracker = config.p2pTrackerUrl ?? derived;
  return {
    trackers: tracker === undefined ? [] : [tracker],
    servers: await serverBases(paths, config),
    imagesPath: paths.urlPath('imagesDir'),
  };
}
