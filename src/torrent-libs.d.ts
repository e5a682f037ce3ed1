// Types of the BitTorrent packages used here, which ship none: only what this project calls.

declare module 'create-torrent' {
  /** Options of create-torrent that this project passes (see its README). */
  export interface CreateTorrentOptions {
    name?: string;
    announceList?: string[][];
    urlList?: string[];
    pieceLength?: number;
    createdBy?: string;
  }
  /** Hashes `input` (a file path here) and calls back with the bencoded metainfo. */
  export default function createTorrent(input: string, options: CreateTorrentOptions, callback: (error: Error | null, torrent: Uint8Array) => void): void;
}

declare module 'bencode' {
  const bencode: {
    encode(value: unknown): Uint8Array;
    decode(data: Uint8Array, encoding?: string): unknown;
  };
  export default bencode;
}

declare module 'bittorrent-tracker' {
  import type { EventEmitter } from 'node:events';
  import type { Server as HttpServer } from 'node:http';
  /** Options of the tracker server that this project passes. */
  export interface TrackerServerOptions {
    http?: boolean;
    udp?: boolean;
    ws?: boolean;
    stats?: boolean;
    trustProxy?: boolean;
    interval?: number;
    /** Called before each announce is stored; an error refuses it (the peer gets it as the failure reason). */
    filter?: (infoHash: string, params: { port?: unknown }, done: (error?: Error) => void) => void;
  }
  /** A BitTorrent tracker (events: `error`, `warning`, `listening`, `start`, `complete`, `stop`). */
  export class Server extends EventEmitter {
    constructor(options?: TrackerServerOptions);
    readonly http: HttpServer | null;
    listen(port: number, hostname: string, onListening?: () => void): void;
    close(callback?: (error?: Error | null) => void): void;
  }
}
