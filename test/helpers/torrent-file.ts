/** Reads a .torrent file back with the bencode library, as a BitTorrent client would (single-file torrents). */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import bencode from 'bencode';

/** What the tests check of a single-file metainfo. */
export interface ParsedTorrent {
  bytes: Buffer;
  name: string;
  length: number;
  pieceLength: number;
  /** sha1 of each piece, hex. */
  pieces: string[];
  announce: string[];
  urlList: string[];
  /** Hex info hash (sha1 of the bencoded info dictionary). */
  infoHash: string;
  keys: string[];
}

const text = (value: unknown): string => Buffer.from(value as Uint8Array).toString('utf8');

/** Parses the torrent at `file`. */
export async function readTorrent(file: string): Promise<ParsedTorrent> {
  const bytes = await readFile(file);
  const metainfo = bencode.decode(bytes) as Record<string, unknown>;
  const info = metainfo.info as Record<string, unknown>;
  const pieces = Buffer.from(info.pieces as Uint8Array);
  const list = (metainfo['announce-list'] as unknown[][] | undefined) ?? (metainfo.announce ? [[metainfo.announce]] : []);
  return {
    bytes,
    name: text(info.name),
    length: info.length as number,
    pieceLength: info['piece length'] as number,
    pieces: Array.from({ length: pieces.length / 20 }, (_, i) => pieces.subarray(i * 20, (i + 1) * 20).toString('hex')),
    announce: list.flat().map(text),
    urlList: ((metainfo['url-list'] as unknown[] | undefined) ?? []).map(text),
    infoHash: createHash('sha1').update(bencode.encode(info)).digest('hex'),
    keys: Object.keys(metainfo),
  };
}
