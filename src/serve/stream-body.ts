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
 * "Boot storm").
 *
 * Backpressure is explicit: at most {@link CHUNKS_IN_FLIGHT} chunks of one
 * download are handed to the socket and not yet taken by it. Two rather than
 * one: when the socket has taken a chunk, the next one is already queued, so
 * the connection never waits for the event loop to come back to this download
 * (which, on a busy machine, can be a whole scheduler slice away).
 */
import type { Stats } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { fileIdentity, type ChunkCache } from './chunk-cache.js';

/** Chunks of one download written to the socket and not yet taken by it. */
const CHUNKS_IN_FLIGHT = 2;

/**
 * Sends bytes `start..end` (inclusive) of `handle` (whose `fstat` is
 * `stats`), then ends the response. `onBytes` is told how many body bytes
 * the socket took (for the access log). Resolves quietly when the client
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
  let gone = res.destroyed;
  let inFlight = 0;
  let wake: (() => void) | undefined;
  const resume = () => {
    const waiting = wake;
    wake = undefined;
    waiting?.();
  };
  // One listener for the whole body, not one per chunk.
  const onClose = () => { gone = true; resume(); };
  res.once('close', onClose);
  let position = start;
  try {
    while (position <= end && !gone) {
      if (inFlight >= CHUNKS_IN_FLIGHT) {
        await new Promise<void>((resolve) => { wake = resolve; });
        continue;
      }
      const index = Math.floor(position / size);
      const lease = await cache.read(handle, identity, stats.size, index);
      if (gone) {
        lease.release();
        break;
      }
      const from = position - index * size;
      const to = Math.min(lease.buffer.length, end - index * size + 1);
      inFlight += 1;
      // The callback fires once the socket has taken the bytes, or with an error once it is gone:
      // only then may the buffer be reused.
      res.write(lease.buffer.subarray(from, to), (error) => {
        lease.release();
        inFlight -= 1;
        if (error) gone = true;
        else onBytes(to - from);
        resume();
      });
      position += to - from;
    }
    if (!gone) res.end();
  } catch {
    // The file shrank (or could not be read) under the download: cut it short rather than send wrong bytes.
    res.destroy();
  } finally {
    res.off('close', onClose);
  }
}
