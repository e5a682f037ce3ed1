/**
 * The BitTorrent side of bench/p2p-boot.ts, with the libraries the tool
 * publishes with (issue 17 contract): the image's `.torrent` made by
 * `create-torrent` (1 MiB pieces, web seeds = the image's URL on every
 * boot server) and its `.sha256`; and a tracker, `disklessset serve
 * --tracker` when this build has it, else a `bittorrent-tracker` server
 * run here on the same address.
 *
 * The packages ship no types; they are loaded by name at run time and only
 * the calls made here are typed, below.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';

type CreateTorrent = (input: string, options: { name: string; announceList: string[][]; urlList: string[]; pieceLength: number;
  createdBy: string; creationDate?: number }, callback: (error: Error | null, torrent: Uint8Array) => void) => void;
interface TrackerServer {
  listen(port: number, hostname: string, onListening: () => void): void;
  close(callback: () => void): void;
  on(event: 'error' | 'warning', listener: (error: Error) => void): void;
}
type TrackerServerClass = new (options: { http: boolean; udp: boolean; ws: boolean; stats: boolean }) => TrackerServer;

const PIECE_BYTES = 1024 * 1024;

/**
 * Loads a package by name; P2P_BENCH_NODE_MODULES names another node_modules
 * folder to take it from (for a checkout whose install predates the package).
 */
async function load<T>(specifier: string, name = 'default'): Promise<T> {
  const elsewhere = process.env.P2P_BENCH_NODE_MODULES;
  const target = elsewhere ? pathToFileURL(join(elsewhere, specifier, 'index.js')).href : specifier;
  return ((await import(target)) as Record<string, T>)[name] as T;
}

/**
 * Writes `<file>.torrent` (announce: `trackerUrl`; web seeds: `urlList`) and
 * `<file>.sha256` beside the image, as the publication does.
 */
export async function writeShareFiles(file: string, trackerUrl: string, urlList: string[]): Promise<void> {
  const createTorrent = await load<CreateTorrent>('create-torrent');
  const torrent = await new Promise<Uint8Array>((resolve, reject) => {
    createTorrent(file, { name: basename(file), announceList: [[trackerUrl]], urlList, pieceLength: PIECE_BYTES, createdBy: 'disklessset bench' },
      (error, bytes) => (error ? reject(error) : resolve(bytes)));
  });
  await writeFile(`${file}.torrent`, torrent);
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  await writeFile(`${file}.sha256`, `${hash.digest('hex')}\n`);
}

/** A tracker run in this process on `address:port`; resolves once listening. */
export async function startLocalTracker(address: string, port: number): Promise<{ url: string; stop(): Promise<void> }> {
  const Server = await load<TrackerServerClass>('bittorrent-tracker', 'Server');
  const server = new Server({ http: true, udp: false, ws: false, stats: false });
  // Warnings are announces the tracker refused (a bad request): not the bench's concern.
  server.on('warning', () => undefined);
  await new Promise<void>((resolve, reject) => {
    server.on('error', reject);
    server.listen(port, address, resolve);
  });
  return {
    url: `http://${address}:${port}/announce`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
