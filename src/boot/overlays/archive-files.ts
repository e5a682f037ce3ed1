/**
 * The archive files in the HTTP tree, published as generations like the node
 * scripts (../generations.ts): every set of archives is a folder
 * `overlays.gen/<id>`, and the served path `overlays` is a relative symbolic
 * link to it, swapped by rename. A node (or a kill) finds the old set or the
 * new one, never a part of an archive nor a mixture of sets.
 *
 * - A generation is filled under a temporary name (`.<id>.tmp-<pid>-<hex>`,
 *   swept by the next command if its writer died), flushed by one `syncfs`,
 *   and renamed to `<id>` only when complete.
 * - Archives whose input did not change are hard links to the served ones:
 *   a one-node change writes one archive and links the rest; nothing is
 *   written into a folder that is served.
 * - The generation served and the one before it are kept (a node may be
 *   downloading from it); older ones are deleted after each swap.
 * - Earlier versions served a real `overlays/` folder: its archives are
 *   linked into the first generation, then it is moved aside under a
 *   temporary name and deleted once the link is in place.
 *
 * The generations folder is root's alone (mode 0700, and so is each
 * generation): the archives hold host keys, which no local user of the server
 * may read. The archives themselves are world-readable, which is what `serve`
 * (run as root) requires of a file it sends; it applies the address rule
 * (access.ts). A web server running as another user cannot reach them, which
 * is intended: it could not apply that rule.
 */
import { chmodSync, linkSync, writeFileSync } from 'node:fs';
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
  // The mode given at creation is filtered by the umask, the same for every file: one look
  // tells whether they all need a chmod (`serve` sends world-readable files only).
  if (written[0] !== undefined && ((await stat(written[0])).mode & 0o777) !== 0o644) {
    await inSlices(written, (file) => { chmodSync(file, 0o644); });
  }
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
 * Publishes a new generation holding `writes` (written) and the archives of
 * `kept` (linked from the served ones, which must exist), swaps the served
 * link to it and deletes generations older than the one served before.
 * Nodes in neither list have no archive in the new generation.
 * @throws OperationError E_NO_SPACE (nothing served changed; the unfinished generation is removed); other I/O errors.
 */
export async function publishArchives(paths: Paths, writes: readonly ArchiveWrite[], kept: readonly string[]): Promise<void> {
  const generations = overlayGenerationsDir(paths);
  await mkdir(generations, { recursive: true, mode: 0o700 });
  await chmod(generations, 0o700);
  const served = await servedArchives(paths);
  const previous = served.kind === 'generation' ? served.id : undefined;
  const id = Math.max(0, previous ?? 0, ...(await generationIds(paths))) + 1;
  const final = overlayGenerationDir(paths, id);
  const folder = temporarySibling(final);
  await mkdir(folder, { mode: 0o700 });
  try {
    await fill(paths, folder, writes, kept);
  } catch (error) {
    await rm(folder, { recursive: true, force: true }).catch(() => undefined);
    throw isDiskFull(error) ? diskFullError(error) : error;
  }
  await rename(folder, final);
  await fsyncDirectory(generations);
  await swap(paths, id);
  for (const old of await generationIds(paths)) {
    if (old !== id && old !== previous) await rm(overlayGenerationDir(paths, old), { recursive: true, force: true });
  }
}

/** Nodes that have an archive file served (valid node names only; temporary dotfiles are not archives). */
export async function archivedNodes(paths: Paths): Promise<string[]> {
  const names = await readdir(overlaysDir(paths)).catch(() => [] as string[]);
  return names.flatMap((name) => {
    const node = name.endsWith('.img') ? basename(name, '.img') : undefined;
    return node !== undefined && isNodeName(node) ? [node] : [];
  });
}
