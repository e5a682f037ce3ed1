/**
 * Where the peer-to-peer files of a version point (see version-share.ts):
 * the tracker, `p2p_tracker_url` of diskless.yml, else the one `serve
 * --tracker` runs on `server_address`. Read when a version is published or
 * its files are repaired.
 */
import { isIP } from 'node:net';
import type { DisklessConfig } from '../config.js';
import { DEFAULT_TRACKER_PORT } from '../../serve/tracker-port.js';
import type { Paths } from '../paths.js';
import type { ShareSources } from './version-share.js';

/** `address` as the host part of a URL (an IPv6 address in brackets). */
function urlHost(address: string): string {
  return isIP(address) === 6 ? `[${address}]` : address;
}

/**
 * The tracker of this installation (see the module comment). `paths` is
 * unused since the torrents name no web seeds; kept so callers need not change.
 */
export async function shareSources(_paths: Paths, config: DisklessConfig): Promise<ShareSources> {
  const derived = config.serverAddress === null ? undefined : `http://${urlHost(config.serverAddress)}:${DEFAULT_TRACKER_PORT}/announce`;
  const tracker = config.p2pTrackerUrl ?? derived;
  return { trackers: tracker === undefined ? [] : [tracker] };
}
