/**
 * Where overlays come from and what their trees hold. Built-in overlays ship
 * with the tool (the `overlays/` folder of the package, plus the ones the
 * tool generates in code: see generated.ts); site overlays are folders under
 * `<configDir>/overlays/<name>/`, and a site overlay named like a built-in
 * one replaces it. A tree is read without following any symbolic link: a
 * link is delivered as a link, so nothing outside the overlay's folder is read.
 */
import { compareNames } from '../nodes/name-order.js';
import { isUtf8 } from 'node:buffer';
import { createHash } from 'node:crypto';
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '../../errors/index.js';
import { packageFile } from '../../system/package-root.js';
import { isOverlayName, validateOverlayName } from '../names.js';
import type { Paths } from '../paths.js';
import type { AccountResolver } from './accounts.js';
import { GENERATED_OVERLAYS, type GeneratorName } from './generated.js';
import { META_FILE, readOverlayMeta } from './overlay-meta.js';
import { normaliseOverlayPath } from './overlay-paths.js';
import type { OverlayEntry } from './rendered.js';

/** The built-in overlays' folder: `overlays/` of the package's root. */
export const BUILTIN_OVERLAYS_DIR = packageFile('overlays');

/** One overlay as listed: its name, where it comes from, and where its tree is. */
export interface OverlaySource {
  name: string;
  origin: 'builtin' | 'site';
  /** Folder of the tree; undefined for an overlay the tool generates. */
  dir?: string;
  /** A site overlay that replaces the built-in overlay of the same name. */
  overridesBuiltin: boolean;
  /** Set for a built-in overlay generated in code (network, ssh-host-keys). */
  generator?: GeneratorName;
}

/** One file, folder or link of an overlay's tree: the entry it delivers (`path` with `.j2` dropped), plus where it comes from. */
export interface SourceFile extends OverlayEntry {
  /** Path in the overlay's folder, for messages (`etc/hosts.j2`). */
  sourcePath: string;
  /** A `.j2` file: rendered per node. */
  template: boolean;
}

/** An overlay read into memory. */
export interface LoadedOverlay {
  source: OverlaySource;
  description?: string;
  files: SourceFile[];
  /** SHA-256 hex of everything delivered or rendered from the tree (paths, metadata, contents). */
  digest: string;
}

async function folderNames(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    // A symbolic link is not an overlay: its tree would live outside the overlays folder.
    return entries.filter((entry) => entry.isDirectory() && isOverlayName(entry.name)).map((entry) => entry.name).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** Every overlay, built-in and site, by name (a site overlay replacing a built-in one of its name). */
export async function listOverlaySources(paths: Paths, builtinDir = BUILTIN_OVERLAYS_DIR): Promise<Map<string, OverlaySource>> {
  const sources = new Map<string, OverlaySource>();
  for (const name of await folderNames(builtinDir)) sources.set(name, { name, origin: 'builtin', dir: join(builtinDir, name), overridesBuiltin: false });
  for (const name of Object.keys(GENERATED_OVERLAYS) as GeneratorName[]) sources.set(name, { name, origin: 'builtin', overridesBuiltin: false, generator: name });
  for (const name of await folderNames(paths.overlaysDir)) {
    sources.set(name, { name, origin: 'site', dir: paths.overlayDir(name), overridesBuiltin: sources.has(name) });
  }
  // Natural name order without ICU's collation data for the usual names (name-order.ts): loading it cost every change a hundredth of a second.
  return new Map([...sources].sort(([a], [b]) => compareNames(a, b)));
}

/**
 * The source of overlay `name`.
 * @throws UsageError E_OVERLAY_NAME, E_OVERLAY_UNKNOWN (with the known names).
 */
export function requireSource(sources: ReadonlyMap<string, OverlaySource>, name: string, where = ''): OverlaySource {
  validateOverlayName(name);
  const source = sources.get(name);
  if (!source) {
    throw new UsageError('E_OVERLAY_UNKNOWN', `no overlay named ${name}${where}`, `known overlays: ${[...sources.keys()].join(', ')} (see \`disklessset overlay list\`)`);
  }
  return source;
}

/**
 * The largest template source, in bytes. nunjucks compiles a template into
 * JavaScript about a hundred times its size in memory: a 16 MiB template took
 * 3.9 GB and 39 s per node, a 40 MiB one aborted the process (and every
 * later command) out of memory. Large files are delivered as plain files.
 */
export const MAX_TEMPLATE_BYTES = 1024 * 1024;

/**
 * The largest file an overlay delivers, in bytes. Every node holds its
 * archive in RAM while it boots, each build holds every rendered archive in
 * memory, and Node cannot read a file over 2 GiB at all: large files belong
 * in the image.
 */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;

/** The most one node's overlays may deliver in all, in bytes (see {@link MAX_FILE_BYTES}: the node unpacks them into RAM). */
export const MAX_NODE_BYTES = 256 * 1024 * 1024;

/**
 * Refuses the entries of `node` when their files add up to more than {@link MAX_NODE_BYTES}.
 * @throws UsageError E_OVERLAY_PATH naming the node and the total.
 */
export function requireNodeSize(node: string, entries: readonly OverlayEntry[]): void {
  const total = entries.reduce((sum, entry) => sum + (entry.data?.length ?? 0), 0);
  if (total > MAX_NODE_BYTES) {
    throw new UsageError('E_OVERLAY_PATH', `node ${node}: its overlays deliver ${(total / 1048576).toFixed(0)} MiB of files, over the ${MAX_NODE_BYTES / 1048576} MiB limit of one node's archive`,
      'put large files in the image itself, or give this node fewer overlays');
  }
}

function pathError(overlay: string, sourcePath: string, what: string, hint = 'overlays hold files, folders and symbolic links only; fix or remove it'): UsageError {
  return new UsageError('E_OVERLAY_PATH', `overlay ${overlay}: ${sourcePath} ${what}`, hint);
}

/**
 * The names in folder `dir` (at `rel` of the overlay), sorted.
 * @throws UsageError E_OVERLAY_PATH for a name that is not UTF-8: read as text it would name another file (or none).
 */
async function entryNames(overlay: string, dir: string, rel: string): Promise<string[]> {
  const raw = await readdir(dir, { encoding: 'buffer' });
  const bad = raw.find((name) => !isUtf8(name));
  if (bad) {
    // JSON of the Latin-1 reading shows every byte, control characters escaped.
    const shown = JSON.stringify(bad.toString('latin1'));
    throw pathError(overlay, `${rel === '' ? '' : `${rel}/`}${shown}`, 'has a name that is not UTF-8 text',
      'rename it to a UTF-8 name (convmv converts names), or remove it');
  }
  return raw.map((name) => name.toString('utf8')).sort();
}

async function walk(overlay: OverlaySource, dir: string, rel: string, builtin: boolean, out: SourceFile[]): Promise<void> {
  const names = await entryNames(overlay.name, dir, rel);
  for (const name of names) {
    if (rel === '' && name === META_FILE) continue;
    const full = join(dir, name);
    const sourcePath = rel === '' ? name : `${rel}/${name}`;
    const stats = await lstat(full);
    const template = stats.isFile() && name.endsWith('.j2');
    if (template && name === '.j2') throw pathError(overlay.name, sourcePath, 'is a template without a file name');
    const path = normaliseOverlayPath(template ? sourcePath.slice(0, -3) : sourcePath, overlay.name);
    // Files shipped in the package belong to root on the node, whoever installed the package.
    const owner = builtin ? { uid: 0, gid: 0 } : { uid: stats.uid, gid: stats.gid };
    const base = { path, sourcePath, ...owner, template, secret: false };
    if (stats.isSymbolicLink()) {
      const target = await readlink(full);
      // eslint-disable-next-line no-control-regex -- a control character would reach terminals (overlay render) and the node's file system
      if (target === '' || target.length > 1024 || /[\u0000-\u001f\u007f-\u009f]/.test(target)) throw pathError(overlay.name, sourcePath, 'is a symbolic link with an unusable target (empty, over 1024 characters, or with control characters)');
      out.push({ ...base, kind: 'symlink', mode: 0o777, target });
    } else if (stats.isDirectory()) {
      out.push({ ...base, kind: 'dir', mode: builtin ? 0o755 : stats.mode & 0o7777 });
      await walk(overlay, full, sourcePath, builtin, out);
    } else if (stats.isFile()) {
      // Checked before reading: the file is never loaded whole.
      if (template && stats.size > MAX_TEMPLATE_BYTES) {
        throw pathError(overlay.name, sourcePath, `is a template of ${(stats.size / 1048576).toFixed(1)} MiB, over the 1 MiB limit of templates`,
          'deliver a large file as a plain file (without the .j2 suffix), or render a smaller template');
      }
      if (stats.size > MAX_FILE_BYTES) {
        throw pathError(overlay.name, sourcePath, `is ${(stats.size / 1048576).toFixed(1)} MiB, over the ${MAX_FILE_BYTES / 1048576} MiB limit of overlay files`,
          'put large files in the image itself (nodes unpack overlays into RAM at every boot), or make it smaller');
      }
      out.push({ ...base, kind: 'file', mode: builtin ? 0o644 : stats.mode & 0o7777, data: await readFile(full) });
    } else {
      throw pathError(overlay.name, sourcePath, 'is a device, socket or pipe');
    }
  }
}

function digestOf(files: readonly SourceFile[], generator?: string): string {
  const hash = createHash('sha256').update(`generator:${generator ?? ''}\n`);
  for (const file of files) {
    hash.update(JSON.stringify([file.path, file.kind, file.mode, file.uid, file.gid, file.template, file.secret, file.target ?? null, file.data?.length ?? -1]));
    if (file.data) hash.update(file.data);
  }
  return hash.digest('hex');
}

/**
 * Reads the tree and overlay.yml of `source` (a generated overlay has neither).
 * @throws UsageError E_OVERLAY_PATH (two files for one path, a device, a path escaping the root),
 *   E_OVERLAY_META (overlay.yml invalid, or naming a path the tree lacks, or an unknown account).
 */
export async function loadOverlay(source: OverlaySource, accounts: AccountResolver): Promise<LoadedOverlay> {
  if (!source.dir) return { source, description: GENERATED_OVERLAYS[source.generator as GeneratorName].description, files: [], digest: digestOf([], source.generator) };
  const files: SourceFile[] = [];
  await walk(source, source.dir, '', source.origin === 'builtin', files);
  const byPath = new Map<string, SourceFile>();
  for (const file of files) {
    const other = byPath.get(file.path);
    if (other) {
      throw pathError(source.name, file.sourcePath, `and ${other.sourcePath} both give ${file.path}`,
        `remove ${other.sourcePath} or ${file.sourcePath} from overlay ${source.name} (a template gives the file its name without .j2)`);
    }
    byPath.set(file.path, file);
  }
  const meta = await readOverlayMeta(join(source.dir, META_FILE), source.name);
  for (const [path, settings] of meta?.files ?? []) {
    const file = byPath.get(path);
    if (!file) throw new UsageError('E_OVERLAY_META', `overlay.yml of overlay ${source.name} names ${path}, which the overlay does not have`, 'fix the path (a template is named without its .j2 suffix)');
    if (settings.mode !== undefined) file.mode = settings.mode;
    if (settings.owner !== undefined) file.uid = await accounts.resolve(settings.owner, 'owner', source.name);
    if (settings.group !== undefined) file.gid = await accounts.resolve(settings.group, 'group', source.name);
    if (settings.secret === true && file.kind !== 'file') {
      // A folder's files would not inherit it, and a link has no content of its own: a secret that protects nothing is refused.
      throw new UsageError('E_OVERLAY_META', `overlay.yml of overlay ${source.name} marks ${path} secret, but it is a ${file.kind === 'dir' ? 'folder' : 'symbolic link'}`,
        'mark each secret file itself (secret: true on its own path)');
    }
    if (settings.secret !== undefined) file.secret = settings.secret;
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { source, description: meta?.description, files, digest: digestOf(files) };
}
