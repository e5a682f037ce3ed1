/**
 * Writes the recorder's changes into `node-boots.json`: under the file's
 * lock, merged into what the file holds (two servers may share one state
 * folder), atomically (temp, fsync, rename).
 */
import { stat } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { withLock } from '../../core/state/lock.js';
import { applyChanges, readRecords, writeRecords, type BootRecords, type RecordChanges } from './boot-records.js';

/** A write may take at most 1/WRITE_SHARE of the time: the interval grows with the time the last write took. */
const WRITE_SHARE = 50;

/** Identity of the file's current content: inode, size and modification time in ns (a rename by another writer changes it). */
async function fileStamp(file: string): Promise<string> {
  const stats = await stat(file, { bigint: true }).catch(() => undefined);
  return stats === undefined ? '' : `${stats.ino}-${stats.size}-${stats.mtimeNs}`;
}

/** One state file's writer (see the module comment). */
export class RecordsWriter {
  /** The file as this writer last wrote it (its identity, its records). */
  private written: { stamp: string; records: BootRecords } | undefined;
  private delayMs: number;

  constructor(private readonly file: string, private readonly intervalMs: number) {
    this.delayMs = intervalMs;
  }

  /**
   * Shortest time before the next write (ms): the interval, or WRITE_SHARE
   * times what the last write took when that is longer, so that however
   * many nodes the file holds, writing it never takes a large share of the
   * server's time.
   */
  get nextDelayMs(): number {
    return this.delayMs;
  }

  /** Merges `changes` into the file and replaces it. Throws what the file system throws (nothing is kept then). */
  async write(changes: RecordChanges): Promise<void> {
    const started = performance.now();
    await withLock(this.file, async () => {
      const records = applyChanges(await this.content(), changes);
      this.written = undefined;
      await writeRecords(this.file, records);
      this.written = { stamp: await fileStamp(this.file), records };
    });
    this.delayMs = Math.max(this.intervalMs, Math.ceil((performance.now() - started) * WRITE_SHARE));
  }

  /**
   * The file's records: what this writer wrote last when the file is still
   * that one (no re-reading and re-checking of 10,000 records every write),
   * else read again (another server sharing the state folder wrote it).
   */
  private async content(): Promise<BootRecords> {
    const written = this.written;
    if (written !== undefined && written.stamp === await fileStamp(this.file)) return written.records;
    return readRecords(this.file);
  }
}
