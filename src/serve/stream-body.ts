/**
 * Streams a byte range of an open file to a response, chunk by chunk, from
 * the server's shared {@link ChunkCache}.
 *
 * Why not `fs.createReadStream`: it allocates a fresh buffer for every chunk
 * of every download; in a boot storm (hundreds of clients pulling a 500 MB
 * image) the kernel then faults in and zeroes new pages all the time and the
 * garbage collector reclaims them — the server spent most of its CPU there.
 * Here downloads of the same file share chunks, so a chunk is read once for
 * all the nodes that are at that point of the image (docs/benchmarks.md,
 * "Boot storm"). Backpressure is explicit: the next chunk is only asked for
 * once the socket has taken the previous one.
 */
import type { Stats } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { fileIdentity, type ChunkCache } from './chunk-cache.js';

/** The client went away before the body was complete. */
class ClientGone extends Error {}

function writeChunk(res: ServerResponse, chunk: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    if (res.destroyed) {
      reject(new ClientGone());
      return;
    }
    // The callback fires once the socket has taken the bytes.
    const onClose = () => reject(new ClientGone());
    res.once('close', onClose);
    res.write(chunk, (error) => {
      res.off('close', onClose);
      if (error) reject(error);
      else resolve();
    });
  });
}

/**
 * Sends bytes `start..end` (inclusive) of `handle` (whose `fstat` is
 * `stats`), then ends the response. `onBytes` is told how many body bytes
 * went out (for the access log). Resolves quietly when the client
 * disconnects; if the file shrank under us the connection is cut, so the
 * client sees a short body rather than a wrong one.
 */
export async function streamFileRange(
  handle: FileHandle,
  stats: Stats,
  res: ServerResponse,
  start: number,
  end: number,
  cache: ChunkCache,
  onBytes: (count: number) => void,
): Promise<void> {
  const identity = fileIdentity(stats);
  const size = cache.chunkBytes;
  let position = start;
  try {
    while (position <= end) {
      const index = Math.floor(position / size);
      const lease = await cache.read(handle, identity, stats.size, index);
      const from = position - index * size;
      const to = Math.min(lease.buffer.length, end - index * size + 1);
      try {
        await writeChunk(res, lease.buffer.subarray(from, to));
      } finally {
        // Only once the socket has taken the bytes (or the client is gone) may the buffer be reused.
        lease.release();
      }
      position += to - from;
      onBytes(to - from);
    }
    res.end();
  } catch (error) {
    if (!(error instanceof ClientGone)) res.destroy();
  }
}
