/**
 * Answers GET/HEAD for one regular file. The file is opened first and every
 * header (length, ETag, Last-Modified) comes from `fstat` of that descriptor,
 * and the body is streamed from the same descriptor: when an image is
 * replaced by rename during a rebuild, a node already downloading keeps
 * receiving the old inode, complete and consistent with the headers it got.
 */
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { entityTag, isNotModified, lastModified, rangeStillValid } from './conditional.js';
import { contentTypeFor } from './content-type.js';
import type { ChunkCache } from './chunk-cache.js';
import { decideRange, type ByteRange } from './ranges.js';
import { sendStatus, type Exchange } from './responses.js';
import { isWorldReadable } from './served-names.js';
import { streamFileRange } from './stream-body.js';
import { cacheControlFor } from './versioned-names.js';

/**
 * Default chunk size (reads and socket writes). Per-chunk overhead (a
 * thread-pool hop, a socket write waking the peer) dominates below ~128 KiB.
 * Since chunks are shared between downloads (chunk-cache.ts), memory no
 * longer grows with chunk size × clients, and 1 MiB cut the server's CPU time
 * by a further ~15% against 256 KiB under load (docs/benchmarks.md, "Boot storm").
 */
export const DEFAULT_READ_CHUNK_BYTES = 1024 * 1024;

async function openRegularFile(filePath: string): Promise<FileHandle | 403 | 404> {
  let handle: FileHandle;
  try {
    // O_NOFOLLOW: the path is already a realpath; a link appearing in its place since is refused.
    // O_NONBLOCK: opening a FIFO must not hang waiting for a writer (it is then refused as not a file).
    handle = await open(filePath, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return 404;
    if (code === 'ELOOP' || code === 'EACCES' || code === 'EPERM') return 403;
    throw error;
  }
  return handle;
}

/**
 * Sends `filePath` (a realpath inside the root) as the answer to `req`,
 * its body through `chunks` (the server's shared chunk cache).
 * Directories, special files and files that are not world-readable are
 * answered 404: there is no listing, and a private file's existence is not revealed.
 */
export async function sendFile(
  req: IncomingMessage,
  res: ServerResponse,
  filePath: string,
  exchange: Exchange,
  chunks: ChunkCache,
): Promise<void> {
  const opened = await openRegularFile(filePath);
  if (typeof opened === 'number') {
    sendStatus(req, res, opened, exchange);
    return;
  }
  const handle = opened;
  try {
    const stats = await handle.stat();
    if (!stats.isFile() || !isWorldReadable(stats.mode)) {
      sendStatus(req, res, 404, exchange);
      return;
    }
    const etag = entityTag(stats);
    exchange.etag = etag;
    res.setHeader('ETag', etag);
    res.setHeader('Last-Modified', lastModified(stats));
    res.setHeader('Accept-Ranges', 'bytes');
    // Versioned files never change (kept forever); the others are rewritten in place (revalidated with the ETag).
    res.setHeader('Cache-Control', cacheControlFor(filePath));
    if (isNotModified(req.headers, etag, stats)) {
      res.writeHead(304).end();
      return;
    }
    const decision = rangeStillValid(req.headers, etag, stats)
      ? decideRange(req.headers.range, stats.size)
      : { kind: 'full' as const };
    if (decision.kind === 'unsatisfiable') {
      sendStatus(req, res, 416, exchange, { 'Content-Range': `bytes */${stats.size}` });
      return;
    }
    const range: ByteRange = decision.kind === 'partial' ? decision.range : { start: 0, end: stats.size - 1 };
    const length = range.end - range.start + 1;
    res.setHeader('Content-Type', contentTypeFor(filePath));
    res.setHeader('Content-Length', length);
    if (decision.kind === 'partial') {
      res.setHeader('Content-Range', `bytes ${range.start}-${range.end}/${stats.size}`);
      res.statusCode = 206;
    } else {
      res.statusCode = 200;
    }
    if (req.method === 'HEAD' || length === 0) {
      res.end();
      return;
    }
    await streamFileRange(handle, stats, res, range.start, range.end, chunks, (count) => { exchange.bytes += count; });
  } finally {
    await handle.close();
  }
}
