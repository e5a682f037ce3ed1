/**
 * Incremental reading of a growing serial console file: only new bytes are
 * read at each poll, and a line cut between two polls is still matched.
 */
import { open, readFile } from 'node:fs/promises';

/** Follows a serial log written by QEMU (`-serial file:...`). */
export class SerialTail {
  private offset = 0;
  private pending = '';

  constructor(readonly path: string) {}

  /**
   * The complete lines appended since the last call (their `\r` kept), or
   * undefined when QEMU has not created the file yet. A line cut between two
   * calls is returned whole by the later one.
   */
  async newLines(): Promise<string[] | undefined> {
    let handle;
    try {
      handle = await open(this.path, 'r');
    } catch {
      return undefined; // QEMU has not created the file yet
    }
    try {
      const chunk = Buffer.alloc(1024 * 1024);
      for (;;) {
        const { bytesRead } = await handle.read(chunk, 0, chunk.length, this.offset);
        if (bytesRead === 0) break;
        this.offset += bytesRead;
        this.pending += chunk.subarray(0, bytesRead).toString('latin1');
      }
    } finally {
      await handle.close();
    }
    const lines = this.pending.split('\n');
    // The last piece may be a line still being written: keep it for the next poll.
    this.pending = lines.pop() ?? '';
    return lines;
  }

  /** Reads what was appended since the last call; returns the first complete line containing `text`. */
  async findLine(text: string): Promise<string | undefined> {
    return (await this.newLines())?.find((line) => line.includes(text))?.replace(/\r/g, '');
  }

  /** The last `count` lines of the whole log, for error messages. */
  async lastLines(count: number): Promise<string> {
    const text = await readFile(this.path, 'latin1').catch(() => '');
    // Strip terminal escape sequences the guest's console emits.
    // eslint-disable-next-line no-control-regex
    const clean = text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '');
    return clean.split('\n').slice(-count).join('\n');
  }
}

/**
 * Copies what is appended to `path` to `write` every `intervalMs` until
 * `signal` aborts (then one last read): the demo shows the node's console live.
 */
export async function followFile(path: string, write: (chunk: Buffer) => void, signal: AbortSignal, intervalMs = 300): Promise<void> {
  let offset = 0;
  const buffer = Buffer.alloc(256 * 1024);
  const readNew = async () => {
    const handle = await open(path, 'r').catch(() => undefined);
    if (!handle) return; // QEMU has not created it yet
    try {
      for (;;) {
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
        if (bytesRead === 0) break;
        offset += bytesRead;
        write(Buffer.from(buffer.subarray(0, bytesRead)));
      }
    } finally {
      await handle.close();
    }
  };
  while (!signal.aborted) {
    await readNew();
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  await readNew();
}
