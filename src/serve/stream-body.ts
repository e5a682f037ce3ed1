/**
 * Streams a byte range of an open file to a response through one reused
 * buffer per download.
 *
 * Why not `fs.createReadStream`: it allocates a fresh buffer for every chunk.
 * In a boot storm (hundreds of clients pulling a 500 MB image) that means the
 * kernel faults in and zeroes new pages for every chunk, and the garbage
 * collector has to reclaim them — the server spent most of its CPU there
 * (see the "Boot storm" section of docs/benchmarks.md). Reusing one buffer
 * keeps memory flat at one chunk per active download, and backpressure is
 * explicit: the next read only starts once the previous chunk has been
 * handed to the kernel.
 */
import type { FileHandle } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';

/** The client went away before the body was complete. */
class ClientGone extends Error {}

function writeChunk(res: ServerResponse, chunk: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    if (res.destroyed) {
      reject(new ClientGone());
      return;
    }
    // The callback fires once the socket has taken the bytes: the buffer may then be reused.
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
 * Sends bytes `start..end` (inclusive) of `handle`, then ends the response.
 * `onBytes` is told how many body bytes went out (for the access log).
 * Resolves quietly when the client disconnects; if the file shrank under us
 * the connection is cut, so the client sees a short body rather than a wrong one.
 */
export async function streamFileRange(
  handle: FileHandle,
  res: ServerResponse,
  start: number,
  end: number,
  chunkBytes: number,
  onBytes: (count: number) => void,
): Promise<void> {
  const buffer = Buffer.allocUnsafeSlow(Math.max(1, Math.min(chunkBytes, end - start + 1)));
  let position = start;
  try {
    while (position <= end) {
      const want = Math.min(buffer.length, end - position + 1);
      const { bytesRead } = await handle.read(buffer, 0, want, position);
      if (bytesRead === 0) throw new Error('file shrank while being sent');
      await writeChunk(res, buffer.subarray(0, bytesRead));
      position += bytesRead;
      onBytes(bytesRead);
    }
    res.end();
  } catch (error) {
    if (!(error instanceof ClientGone)) res.destroy();
  }
}
