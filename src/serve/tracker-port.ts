/**
 * Port of the tracker `serve --tracker` runs when no `--tracker-port` is
 * given (the usual BitTorrent tracker port), also the port of the tracker URL
 * derived from `server_address`. Apart from tracker.ts so that reading the
 * config does not load the tracker package.
 */
export const DEFAULT_TRACKER_PORT = 6969;
