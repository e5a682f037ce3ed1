/**
 * The archive files in the HTTP tree. Each archive is written under a
 * temporary name (swept by the next command if the writer dies), the file
 * system is flushed once for the whole batch, then each is renamed over its
 * node's archive: a node (or a kill) finds the old archive or the new one,
 * never a part. The folder is root's alone (mode 0700): the archives hold
 * host keys, which no local user of the server may read. The archives
 * themselves are world-readable, which is what `serve` (run as root) requires
 * of a file it sends; it applies the address rule (access.ts). A web server
 * running as another user cannot reach them, which is intended: it could
 * not apply that rule.
 */
import { closeSync, fchmodSync, openSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { chmod, mkdir, readdir } from 'node:fs/promises';
import { basename } from 'node:path';
import { fsyncDirectory, temporarySibling } from '../../core/state/atomic-file.js';
import { diskFullError, isDiskFull } from '../../core/state/disk-full.js';
import { inSlices } from '../../core/state/file-batches.js';
import type { Paths } from '../../core/paths.js';
import { isNodeName } from '../../nodeset/index.js';
import { run } from '../../system/runner.js';
import { overlayArchivePath, overlaysDir } from '../boot-paths.js';

/** One archive to publish. */
export interface ArchiveWrite {
  node: string;
  bytes: Buffer;
}

function writeTemporary(file: string, bytes: Buffer, mode: number): void {
  const descriptor = openSync(file, 'wx', mode);
  try {
    writeFileSync(descriptor, bytes);
    // The mode given to open() is filtered by the umask: `serve` sends world-readable files only.
    fchmodSync(descriptor, mode);
  } finally {
    closeSync(descriptor);
  }
}

/**
 * Publishes `writes` (see the module comment).
 * @throws OperationError E_NO_SPACE (no archive was replaced; the temporary files are removed); other I/O errors.
 */
export async function publishArchives(paths: Paths, writes: readonly ArchiveWrite[]): Promise<void> {
  if (writes.length === 0) return;
  const folder = overlaysDir(paths);
  await mkdir(folder, { recursive: true, mode: 0o700 });
  await chmod(folder, 0o700);
  const staged: [string, string][] = [];
  try {
    await inSlices(writes, (write) => {
      const target = overlayArchivePath(paths, write.node);
      const temporary = temporarySibling(target);
      staged.push([temporary, target]);
      writeTemporary(temporary, write.bytes, 0o644);
    });
    // One flush of the file system instead of one fsync per archive; run inside the folder so its command line names no path.
    await run(['sync', '--file-system', '.'], { cwd: folder });
  } catch (error) {
    await inSlices(staged, ([temporary]) => { rmSync(temporary, { force: true }); });
    throw isDiskFull(error) ? diskFullError(error) : error;
  }
  await inSlices(staged, ([temporary, target]) => { renameSync(temporary, target); });
  await fsyncDirectory(folder);
}

/** Nodes that have an archive file in the HTTP tree (valid node names only; temporary dotfiles are not archives). */
export async function archivedNodes(paths: Paths): Promise<string[]> {
  const names = await readdir(overlaysDir(paths)).catch(() => [] as string[]);
  return names.flatMap((name) => {
    const node = name.endsWith('.img') ? basename(name, '.img') : undefined;
    return node !== undefined && isNodeName(node) ? [node] : [];
  });
}

/** Deletes the archives of `nodes` (nodes gone from the inventory, or without an image any more). */
export async function removeArchives(paths: Paths, nodes: readonly string[]): Promise<void> {
  if (nodes.length === 0) return;
  await inSlices(nodes, (node) => { rmSync(overlayArchivePath(paths, node), { force: true }); });
  await fsyncDirectory(overlaysDir(paths));
}
