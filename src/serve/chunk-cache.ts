/**
 * A small shared cache of file chunks for the boot server.
 *
 * Why: in a boot storm, hundreds of nodes download the same image at about
 * the same pace. Without sendfile, each byte is copied twice per download
 * (page cache → buffer, buffer → socket). With this cache the first
 * download to need a chunk reads it and the others send that same buffer, so
 * the read copy is paid about once per chunk instead of once per client
 * (bench/boot-storm.ts, docs/benchmarks.md "Boot storm").
 *
 * Memory stays bounded and flat: at most `budgetBytes` of chunks are kept
 * (least recently used ones are dropped first); a dropped chunk still being
 * written to a socket lives until that write ends, and is then reused for a
 * later read rather than left to the garbage collector (fresh pages cost a
 * fault and zeroing each, which is what made `createReadStream` slow here).
 *
 * Consistency: chunks are keyed by the file's identity as seen by `fstat` of
 * the open descriptor (device, inode, size, modification and change times),
 * the facts the ETag is made of and more. A file replaced by rename is a new inode, so downloads
 * that started on the old one keep getting the old bytes, and new downloads
 * get the new ones. A chunk is only kept once read in full.
 */
import type { Stats } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';

/**
 * Default budget: 32 chunks of 1 MiB. The server shares bandwidth evenly, so
 * the nodes of a boot storm stay within a few megabytes of each other: this
 * covers the spread with margin while keeping memory flat
 * (docs/benchmarks.md, "Boot storm").
 */
export const DEFAULT_CHUNK_CACHE_BYTES = 32 * 1024 * 1024;

/** The file shrank under a download: the connection must be cut (short body, never a wrong one). */
class FileShrank extends Error {}

/** Identity of an open file's content, from `fstat` of its descriptor. */
export function fileIdentity(stats: Stats): string {
  return `${stats.dev}:${stats.ino}:${stats.size}:${stats.mtimeMs}:${stats.ctimeMs}`;
}

/** A chunk lent to one download: call `release` once the socket has taken it (or the download stopped). */
export interface ChunkLease {
  buffer: Buffer;
  release(): void;
}

interface Entry {
  chunk: Promise<Buffer>;
  bytes: number;
  /** Leases not yet released: the buffer may be reused only when none is left and it is no longer cached. */
  users: number;
  cached: boolean;
  buffer?: Buffer;
}

/** Chunks of open files, shared between downloads; see the file comment. */
export class ChunkCache {
  private readonly entries = new Map<string, Entry>();
  /** Full-size buffers no download uses any more: reused for the next reads instead of fresh pages. */
  private readonly spare: Buffer[] = [];
  private readonly maxSpare: number;
  private heldBytes = 0;

  /**
   * @param chunkBytes size of a chunk (reads are aligned on multiples of it)
   * @param budgetBytes most bytes of chunks kept at once (0 = keep none, every read goes to the file)
   */
  constructor(readonly chunkBytes: number, readonly budgetBytes: number) {
    if (!Number.isSafeInteger(chunkBytes) || chunkBytes <= 0) throw new RangeError(`chunk size must be a positive integer, got ${chunkBytes}`);
    this.maxSpare = Math.max(4, Math.floor(budgetBytes / chunkBytes / 4));
  }

  /** Bytes of chunks kept for later downloads (at most `budgetBytes`). */
  get cachedBytes(): number {
    return this.heldBytes;
  }

  /**
   * Lends chunk number `index` of the file open as `handle` (whose identity
   * is `identity` and length `fileSize` bytes). Concurrent callers asking for
   * the same missing chunk share one read.
   * @throws FileShrank when the file has fewer bytes than `fileSize` said.
   */
  async read(handle: FileHandle, identity: string, fileSize: number, index: number): Promise<ChunkLease> {
    const entry = this.lookup(handle, identity, fileSize, index);
    entry.users += 1;
    let buffer: Buffer;
    try {
      buffer = await entry.chunk;
    } catch (error) {
      entry.users -= 1;
      throw error;
    }
    let released = false;
    return {
      buffer,
      release: () => {
        if (released) return;
        released = true;
        entry.users -= 1;
        if (entry.users === 0 && !entry.cached) this.recycle(buffer);
      },
    };
  }

  private lookup(handle: FileHandle, identity: string, fileSize: number, index: number): Entry {
    const key = `${identity}#${index}`;
    const found = this.entries.get(key);
    if (found) {
      // Map order is the recency order: move the entry to the end.
      this.entries.delete(key);
      this.entries.set(key, found);
      return found;
    }
    const offset = index * this.chunkBytes;
    const bytes = Math.max(0, Math.min(this.chunkBytes, fileSize - offset));
    const entry: Entry = { chunk: this.readFully(handle, offset, bytes), bytes, users: 0, cached: false };
    entry.chunk.then((buffer) => { entry.buffer = buffer; }, () => this.drop(key, entry));
    if (bytes > 0 && bytes <= this.budgetBytes) {
      entry.cached = true;
      this.entries.set(key, entry);
      this.heldBytes += bytes;
      this.evict();
    }
    return entry;
  }

  private drop(key: string, entry: Entry): void {
    if (this.entries.get(key) !== entry) return;
    this.entries.delete(key);
    entry.cached = false;
    this.heldBytes -= entry.bytes;
    if (entry.users === 0 && entry.buffer) this.recycle(entry.buffer);
  }

  private evict(): void {
    for (const [key, entry] of this.entries) {
      if (this.heldBytes <= this.budgetBytes) return;
      this.drop(key, entry);
    }
  }

  private recycle(buffer: Buffer): void {
    if (buffer.length === this.chunkBytes && this.spare.length < this.maxSpare) this.spare.push(buffer);
  }

  private async readFully(handle: FileHandle, offset: number, bytes: number): Promise<Buffer> {
    // Slow (unpooled) allocation: a chunk may be kept long, it must not pin a shared pool slab.
    const buffer = (bytes === this.chunkBytes ? this.spare.pop() : undefined) ?? Buffer.allocUnsafeSlow(bytes);
    let filled = 0;
    while (filled < bytes) {
      const { bytesRead } = await handle.read(buffer, filled, bytes - filled, offset + filled);
      if (bytesRead === 0) throw new FileShrank('file shrank while being sent');
      filled += bytesRead;
    }
    return buffer;
  }
}
