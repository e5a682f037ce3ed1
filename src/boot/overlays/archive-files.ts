/**
 * The archive files in the HTTP tree. The served path `overlays` is a
 * relative symbolic link to a folder `overlays.gen/<id>` (a generation);
 * each archive in it changes by its own rename, so a node (or a kill) finds
 * a node's old archive or its new one, never a part of one.
 *
 * - The first build (nothing served, or the real `overlays/` folder of an
 *   earlier version) fills a new generation under a temporary name
 *   (`.<id>.tmp-<pid>-<hex>`, swept by the next command if its writer died),
 *   flushes it with one `syncfs`, renames it to `<id>` and swaps the link;
 *   the archives of an earlier version's folder are linked into it, then
 *   the folder is moved aside under a temporary name and deleted.
 * - Every later build changes the served generation in place: each changed
 *   archive is written beside its final name (`.<node>.img.tmp-<pid>-<hex>`:
 *   not an archive name, so never served nor counted), all are flushed (each
 *   by fsync when they are few, else by one `syncfs`), then each is renamed
 *   over the old one. Unchanged archives are
 *   not touched: a one-node change writes one file among 10,000 (it used to
 *   link the 10,000 into a new generation). Archives of removed nodes are
 *   deleted by {@link removeArchives} after the node scripts stopped naming
 *   them. A node downloading an archive while it is replaced keeps reading
 *   the file it opened.
 * - A kill half-way leaves some archives new and others old; the build's
 *   intent (overlay-state.ts) makes the next command build again, and keeps
 *   the access rule at least as strict as either version until then.
 *
 * The generations folder is root's alone (mode 0700, and so is each
 * generation): the archives hold host keys, which no local user of the server
 * may read. The archives themselves are world-readable, which is what `serve`
 * (run as root) requires of a file it sends; it applies the address rule
 * (access.ts). A web server running as another user cannot reach them, which
 * is intended: it could not apply that rule.
 */
import { chmodSync, closeSync, fchmodSync, fsyncSync, linkSync, openSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { chmod, lstat, mkdir, readdir, readlink, rename, rm, stat, symlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fsyncDirectory, temporarySibling } from '../../core/state/atomic-file.js';
import { diskFullError, isDiskFull } from '../../core/state/disk-full.js';
import { inSlices } from '../../core/state/file-batches.js';
import type { Paths } from '../../core/paths.js';
import { isNodeName } from '../../nodeset/index.js';
import { run } from '../../system/runner.js';
import { overlayGenerationDir, overlayGenerationsDir, overlaysDir } from '../boot-paths.js';

/** One archive to publish. */
export interface ArchiveWrite {
  node: string;
  bytes: Buffer;
}

/** What the served `overlays` path is now: a link to a generation, a real folder of an earlier version, nothing, or something else. */
export type ServedArchives = { kind: 'generation'; id: number } | { kind: 'folder' } | { kind: 'missing' } | { kind: 'other' };

function parseId(name: string): number | undefined {
  return /^\d{1,15}$/.test(name) ? Number(name) : undefined;
}

/** What the served `overlays` path is (see {@link ServedArchives}). */
export async function servedArchives(paths: Paths): Promise<ServedArchives> {
  const path = overlaysDir(paths);
  const stats = await lstat(path).catch(() => undefined);
  if (!stats) return { kind: 'missing' };
  if (stats.isDirectory()) return { kind: 'folder' };
  if (!stats.isSymbolicLink()) return { kind: 'other' };
  const target = await readlink(path);
  const id = dirname(target) === basename(overlayGenerationsDir(paths)) ? parseId(basename(target)) : undefined;
  return id === undefined ? { kind: 'other' } : { kind: 'generation', id };
}

/** Ids of the complete generations on disk, ascending. */
async function generationIds(paths: Paths): Promise<number[]> {
  const names = await readdir(overlayGenerationsDir(paths)).catch(() => [] as string[]);
  return names.flatMap((name) => { const id = parseId(name); return id === undefined ? [] : [id]; }).sort((a, b) => a - b);
}

/** Writes and links the archives of a new generation into `folder`; returns the files written. */
async function fill(paths: Paths, folder: string, writes: readonly ArchiveWrite[], kept: readonly string[]): Promise<string[]> {
  const written: string[] = [];
  await inSlices(writes, (write) => {
    const file = join(folder, `${write.node}.img`);
    writeFileSync(file, write.bytes, { mode: 0o644, flag: 'wx' });
    written.push(file);
  });
  // Linked through the served path: the generation (or old folder) nodes are fetching from now.
  const served = overlaysDir(paths);
  await inSlices(kept, (node) => { linkSync(join(served, `${node}.img`), join(folder, `${node}.img`)); });
  // `serve` sends world-readable files only.
  await makeReadable(written);
  // One flush of the file system instead of one fsync per archive; run inside the folder so its command line names no path.
  if (written.length > 0) await run(['sync', '--file-system', '.'], { cwd: folder });
  await fsyncDirectory(folder);
  return written;
}

/** Points `overlays` at generation `id` by renaming a new link over it; a real folder of an earlier version is moved aside first, then deleted. */
async function swap(paths: Paths, id: number): Promise<void> {
  const path = overlaysDir(paths);
  let aside: string | undefined;
  if ((await servedArchives(paths)).kind === 'folder') {
    // A `.stale-<pid>` name: if this command dies before deleting it, the next command's sweep does.
    aside = temporarySibling(path, 'stale');
    await rename(path, aside);
  }
  const temporary = temporarySibling(path);
  await symlink(join(basename(overlayGenerationsDir(paths)), String(id)), temporary);
  await rename(temporary, path);
  await fsyncDirectory(dirname(path));
  if (aside !== undefined) await rm(aside, { recursive: true, force: true });
}

/** Gives every file of `files` mode 0644 unless the first already has it: the umask filters the mode given at creation the same way for all. */
async function makeReadable(files: readonly string[]): Promise<void> {
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
async function replaceInPlace(folder: string, writes: readonly ArchiveWrite[]): Promise<void> {
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
  await inSlices(staged, ([temporary, file]) => { renameSync(temporary, file); });
  await fsyncDirectory(folder);
}

/**
 * Publishes `writes`. When a generation is served, its archives of `writes`
 * are replaced in place and `kept` is not called (archives of other nodes
 * stay until {@link removeArchives}); otherwise a first generation holding
 * `writes` and the archives of the nodes `kept` gives (linked from the served
 * folder of an earlier version) is published by swapping the link. Generations other than
 * the one served (and, just after a swap, the one before it) are deleted.
 * @throws OperationError E_NO_SPACE (nothing served changed; what was written is removed); other I/O errors.
 */
export async function publishArchives(paths: Paths, writes: readonly ArchiveWrite[], kept: () => Promise<readonly string[]>): Promise<void> {
  const generations = overlayGenerationsDir(paths);
  await mkdir(generations, { recursive: true, mode: 0o700 });
  await chmod(generations, 0o700);
  const served = await servedArchives(paths);
  if (served.kind === 'generation' && (await generationIds(paths)).includes(served.id)) {
    if (writes.length > 0) await replaceInPlace(overlayGenerationDir(paths, served.id), writes);
    await prune(paths, [served.id]);
    return;
  }
  const previous = served.kind === 'generation' ? served.id : undefined;
  const id = Math.max(0, previous ?? 0, ...(await generationIds(paths))) + 1;
  const final = overlayGenerationDir(paths, id);
  const folder = temporarySibling(final);
  await mkdir(folder, { mode: 0o700 });
  try {
    await fill(paths, folder, writes, await kept());
  } catch (error) {
    await rm(folder, { recursive: true, force: true }).catch(() => undefined);
    throw isDiskFull(error) ? diskFullError(error) : error;
  }
  await rename(folder, final);
  await fsyncDirectory(generations);
  await swap(paths, id);
  await prune(paths, [id, previous]);
}

/** Deletes the generations not in `keep`. */
async function prune(paths: Paths, keep: readonly (number | undefined)[]): Promise<void> {
  for (const old of await generationIds(paths)) {
    if (!keep.includes(old)) await rm(overlayGenerationDir(paths, old), { recursive: true, force: true });
  }
}

/**
 * Deletes the served archives of `nodes` (valid node names only); run once
 * the node scripts no longer load them, so that no published script names a
 * missing archive. A generation that was just published lacks them already.
 */
export async function removeArchives(paths: Paths, nodes: readonly string[]): Promise<void> {
  const served = await servedArchives(paths);
  if (served.kind !== 'generation' || nodes.length === 0) return;
  const folder = overlayGenerationDir(paths, served.id);
  await inSlices(nodes.filter((node) => isNodeName(node)), (node) => { rmSync(join(folder, `${node}.img`), { force: true }); });
  await fsyncDirectory(folder).catch(() => undefined);
}

/** Nodes that have an archive file served (valid node names only; temporary dotfiles are not archives). */
export async function archivedNodes(paths: Paths): Promise<string[]> {
  const names = await readdir(overlaysDir(paths)).catch(() => [] as string[]);
  return names.flatMap((name) => {
    // A readdir entry is a bare name: slicing the suffix is what basename would do, at a fraction of its cost over 10,000 names.
    const node = name.endsWith('.img') ? name.slice(0, -'.img'.length) : undefined;
    return node !== undefined && isNodeName(node) ? [node] : [];
  });
}
