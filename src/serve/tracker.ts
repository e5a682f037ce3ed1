/**
 * The BitTorrent tracker `serve --tracker` runs beside the file server
 * (issue 17): nodes fetching a root image by peer-to-peer announce to it and
 * learn of each other. It is the bittorrent-tracker package's server with
 * HTTP announces only: no UDP socket, no WebSocket, no statistics page, so it
 * opens one TCP port and nothing else. It keeps its swarms in memory: a
 * restart forgets the peers, which announce again within one interval.
 */
import type { AddressInfo } from 'node:net';
// The package's entry (its only export) also holds the client, which this file never uses.
import { Server as TrackerServer } from 'bittorrent-tracker';
import { ConflictError } from '../errors/index.js';

/**
 * Seconds between a peer's announces, as the tracker tells them. Short
 * because nodes of a boot storm start together and seed for minutes only: a
 * node announcing again soon learns of the peers that started after it.
 */
const ANNOUNCE_INTERVAL_SECONDS = 30;

/** A running tracker. */
export interface Tracker {
  /** Its announce URL as bound (e.g. `http://10.0.0.1:6969/announce`). */
  announceUrl: string;
  /** Stops it: closes the port and forgets every swarm. */
  close(): Promise<void>;
}

/** Where the tracker listens, and where its warnings go. */
export interface TrackerOptions {
  listen: string;
  /** TCP port; 0 picks a free one. */
  port: number;
  /** Lines about bad announces (a malformed request never stops the tracker). */
  warningLog?: (line: string) => void;
}

/**
 * Starts the tracker.
 * @throws ConflictError E_TRACKER_PORT_IN_USE when another program listens on the port.
 */
export async function startTracker(options: TrackerOptions): Promise<Tracker> {
  const tracker = new TrackerServer({
    http: true, udp: false, ws: false, stats: false, interval: ANNOUNCE_INTERVAL_SECONDS * 1000,
    // The package keeps any non-zero port; a peer stored with one past 65535 (or negative) makes the next
    // compact answer throw outside any handler, which ended the whole serve process on one request.
    filter: (_infoHash: string, params: { port?: unknown }, done: (error?: Error) => void) => {
      const port = params.port;
      done(typeof port === 'number' && Number.isInteger(port) && port >= 1 && port <= 65535 ? undefined : new Error('invalid port (1 to 65535)'));
    },
  });
  await new Promise<void>((resolve, reject) => {
    tracker.once('error', (error: NodeJS.ErrnoException) => {
      reject(error.code === 'EADDRINUSE' ? new ConflictError('E_TRACKER_PORT_IN_USE', `tracker port ${options.port} on ${options.listen} is already in use by another program`,
        'stop that program, or choose another port with --tracker-port') : error);
    });
    tracker.listen(options.port, options.listen, () => resolve());
  });
  tracker.removeAllListeners('error');
  // After start-up, an error of one request is a line in the log, never the end of the boot service.
  tracker.on('error', (error: Error) => options.warningLog?.(`tracker: ${error.message}`));
  tracker.on('warning', (error: Error) => options.warningLog?.(`tracker: ${error.message}`));
  const address = tracker.http?.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    announceUrl: `http://${host}:${address.port}/announce`,
    close: () => new Promise<void>((resolve) => {
      tracker.close(() => resolve());
      tracker.http?.closeAllConnections();
    }),
  };
}
