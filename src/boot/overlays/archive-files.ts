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
import { linkSync, rmSync, writeFileSync } from 'node:fs';
import { chmod, lstat, mkdir, readdir, readlink, rename, rm, symlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fsyncDirectory, temporarySibling } from '../../core/state/atomic-file.js';
import { diskFullError, isDiskFull } from '../../core/state/disk-full.js';
import { inSlices } from '../../core/state/file-batches.js';
import type { Paths } from '../../core/paths.js';
import { isNodeName } from '../../nodeset/index.js';
import { run } from '../../system/runner.js';
import { overlayGenerationDir, overlayGenerationsDir, overlaysDir } from '../boot-paths.js';
import { makeReadable, replaceInPlace, type ArchiveWrite } from './archive-replace.js';

export type { ArchiveWrite } from './archive-replace.js';

/** What the served `overlays` path is now: a link to a generation, a real folder of an earlier version, nothing, or something else. */
export type ServedArchives = { kind: 'generation'; id: number } | { kind: 'folder' } | { kind: 'missing' } | { kind: 'other' };

function parseId(name: string): number | undefined {
  return /^\d{1,15}$/.test(name) ? Number(name) : undefined;
}

/** Whether `path` is a real folder, not a symbolic link to one. */
async function realFolder(path: string): Promise<boolean> {
  return (await lstat(path).catch(() => undefined))?.isDirectory() === true;
}

/**
 * What the served `overlays` path is (see {@link ServedArchives}). A link to
 * a generation counts only when the generations folder and the generation are
 * real folders: one replaced by a symbolic link (a hand edit) would make the
 * next build write archives wherever it points, outside the root, so it is
 * `other`, and that build publishes a whole new generation.
 */
export async function servedArchives(paths: Paths): Promise<ServedArchives> {
  const path = overlaysDir(paths);
  const stats = await lstat(path).catch(() => undefined);
  if (!stats) return { kind: 'missing' };
  if (stats.isDirectory()) return { kind: 'folder' };
  if (!stats.isSymbolicLink()) return { kind: 'other' };
  const target = await readlink(path);
  const id = dirname(target) === basename(overlayGenerationsDir(paths)) ? parseId(basename(target)) : undefined;
  if (id === undefined || !(await realFolder(overlayGenerationsDir(paths))) || !(await realFolder(overlayGenerationDir(paths, id)))) return { kind: 'other' };
  return { kind: 'generation', id };
}

/**
 * Ids of the generations on disk, ascending: with `realOnly`, the complete
 * ones (real folders); without, every entry named like one, links and files
 * put there by hand included (never reused as a new id, and pruned).
 */
async function generationIds(paths: Paths, realOnly = true): Promise<number[]> {
  const entries = await readdir(overlayGenerationsDir(paths), { withFileTypes: true }).catch(() => []);
  const ids = entries.flatMap((entry) => { const id = !realOnly || entry.isDirectory() ? parseId(entry.name) : undefined; return id === undefined ? [] : [id]; });
  return ids.sort((a, b) => a - b);
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

/**
 * Publishes `writes`. When a generation is served, its archives of `writes`
 * are replaced in place and `kept` is not called (archives of other nodes
 * stay until {@link removeArchives}); otherwise a first generation holding
 * `writes` and the archives of the nodes `kept` gives (linked from the served
 * folder of an earlier version) is published by swapping the link. Other generations are deleted.
 * @throws OperationError E_NO_SPACE (nothing served changed; what was written is removed); other I/O errors.
 */
export async function publishArchives(paths: Paths, writes: readonly ArchiveWrite[], kept: () => Promise<readonly string[]>): Promise<void> {
  const generations = overlayGenerationsDir(paths);
  // Anything but a real folder there (a symbolic link to elsewhere) is taken away, not followed: the link itself is removed.
  if ((await lstat(generations).catch(() => undefined))?.isDirectory() === false) await rm(generations, { force: true });
  await mkdir(generations, { recursive: true, mode: 0o700 });
  await chmod(generations, 0o700);
  const served = await servedArchives(paths);
  if (served.kind === 'generation') {
    if (writes.length > 0) await replaceInPlace(overlayGenerationDir(paths, served.id), writes);
    await prune(paths, [served.id]);
    return;
  }
  const id = Math.max(0, ...(await generationIds(paths, false))) + 1;
  const final = overlayGenerationDir(paths, id);
  const folder = temporarySibling(final);
  await mkdir(folder, { mode: 0o700 });
  try {
    // Archives are linked only from a real folder of an earlier version: from anything else, all were given in `writes`.
    await fill(paths, folder, writes, served.kind === 'folder' ? await kept() : []);
  } catch (error) {
    await rm(folder, { recursive: true, force: true }).catch(() => undefined);
    throw isDiskFull(error) ? diskFullError(error) : error;
  }
  await rename(folder, final);
  await fsyncDirectory(generations);
  await swap(paths, id);
  await prune(paths, [id]);
}

/** Deletes the generations not in `keep`; an entry of another kind named like one is removed itself (a link: not what it points to). */
async function prune(paths: Paths, keep: readonly number[]): Promise<void> {
  for (const old of await generationIds(paths, false)) {
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

/**
 * Nodes that have an archive file served (valid node names only; temporary
 * dotfiles are not archives); none when what is served is not a generation
 * or a folder of an earlier version ({@link servedArchives}).
 */
export async function archivedNodes(paths: Paths): Promise<string[]> {
  const served = await servedArchives(paths);
  if (served.kind !== 'generation' && served.kind !== 'folder') return [];
  const names = await readdir(overlaysDir(paths)).catch(() => [] as string[]);
  return names.flatMap((name) => {
    // A readdir entry is a bare name: slicing the suffix is what basename would do, at a fraction of its cost over 10,000 names.
    const node = name.endsWith('.img') ? name.slice(0, -'.img'.length) : undefined;
    return node !== undefined && isNodeName(node) ? [node] : [];
  });
}
