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
import { isImageName, isVersionId } from '../names.js';
import { torrentTrackers, type ShareSources } from './version-share.js';

/** `address` as the host part of a URL (an IPv6 address in brackets). */
function urlHost(address: string): string {
  return isIP(address) === 6 ? `[${address}]` : address;
}

/** The tracker of this installation (see the module comment): from the configuration alone. */
export function shareSources(config: DisklessConfig): ShareSources {
  const derived = config.serverAddress === null ? undefined : `http://${urlHost(config.serverAddress)}:${DEFAULT_TRACKER_PORT}/announce`;
  const tracker = config.p2pTrackerUrl ?? derived;
  return { trackers: tracker === undefined ? [] : [tracker] };
}

/**
 * Images whose current version's torrent names other trackers than this
 * installation's (see shareSources): their nodes announce where no tracker
 * runs, find no peers and fall back to HTTP. A torrent is served as
 * immutable under its versioned name, so it is never rewritten: a rebuild
 * publishes a new version naming the configured tracker. `images` are the
 * created images with their `version` attribute; one without a version, a
 * torrent or a readable one is left out.
 * @returns image name and the trackers its torrent names, by name.
 */
export async function imagesWithOtherTrackers(
  paths: Paths, config: DisklessConfig, images: ReadonlyArray<{ name: string; version: unknown }>,
): Promise<Array<{ name: string; trackers: string[] }>> {
  const expected = JSON.stringify(shareSources(config).trackers);
  const stale: Array<{ name: string; trackers: string[] }> = [];
  for (const image of images) {
    if (!isImageName(image.name) || !isVersionId(image.version)) continue;
    const trackers = await torrentTrackers(paths.imageDir(image.name), image.version);
    if (trackers !== undefined && JSON.stringify(trackers) !== expected) stale.push({ name: image.name, trackers });
  }
  return stale;
}
