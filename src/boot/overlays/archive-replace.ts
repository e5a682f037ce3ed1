/**
 * Writing archives into a generation folder (archive-files.ts): in place,
 * each changed archive beside its final name, flushed, then renamed over
 * the one served, so a node (or a kill) finds the old archive or the new one.
 */
import { chmodSync, closeSync, fchmodSync, fsyncSync, openSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fsyncDirectory, temporarySibling } from '../../core/state/atomic-file.js';
import { diskFullError, isDiskFull } from '../../core/state/disk-full.js';
import { inSlices } from '../../core/state/file-batches.js';
import { run } from '../../system/runner.js';

/** One archive to publish. */
export interface ArchiveWrite {
  node: string;
  bytes: Buffer;
}

/** Gives every file of `files` mode 0644 unless the first already has it: the umask filters the mode given at creation the same way for all. */
export async function makeReadable(files: readonly string[]): Promise<void> {
  if (files[0] !== undefined && ((await stat(files[0])).mode & 0o777) !== 0o644) {
    await inSlices(files, (file) => { chmodSync(file, 0o644); });
  }
}

/**
 * Up to this many archives are flushed one by one (fsync) rather than by one
 * `syncfs` of the whole file system, which costs starting a process and
 * flushing whatever else is pending there: a one-node change writes one.
 */
const FSYNC_EACH_UP_TO = 16;

/** Writes `bytes` to new file `file`, mode 0644 whatever the umask (serve sends world-readable files only), and flushes both. */
function writeFlushed(file: string, bytes: Uint8Array): void {
  const fd = openSync(file, 'wx', 0o644);
  try {
    writeFileSync(fd, bytes);
    fchmodSync(fd, 0o644);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Replaces the archives of `writes` in generation folder `folder`, each by rename (see the module comment). */
export async function replaceInPlace(folder: string, writes: readonly ArchiveWrite[]): Promise<void> {
  const staged: [string, string][] = [];
  const each = writes.length <= FSYNC_EACH_UP_TO;
  try {
    await inSlices(writes, (write) => {
      const file = join(folder, `${write.node}.img`);
      const temporary = temporarySibling(file);
      // Recorded first: a failed write leaves no temporary file behind.
      staged.push([temporary, file]);
      if (each) writeFlushed(temporary, write.bytes);
      else writeFileSync(temporary, write.bytes, { mode: 0o644, flag: 'wx' });
    });
    await makeReadable(staged.map(([temporary]) => temporary));
    // Flushed before the first rename: after a power loss each name holds a whole archive, old or new.
    if (!each) await run(['sync', '--file-system', '.'], { cwd: folder });
  } catch (error) {
    for (const [temporary] of staged) rmSync(temporary, { force: true });
    throw isDiskFull(error) ? diskFullError(error) : error;
  }
  await inSlices(staged, ([temporary, file]) => { renameOverArchive(temporary, file); });
  await fsyncDirectory(folder);
}

/** Renames `temporary` over `file`; a folder put there by hand (a rename cannot replace it) is removed first. */
function renameOverArchive(temporary: string, file: string): void {
  try {
    renameSync(temporary, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EISDIR') throw error;
    rmSync(file, { recursive: true, force: true });
    renameSync(temporary, file);
  }
}
