/**
 * Generations of node scripts. Every set of node scripts is written whole
 * into a new folder, `nodes.gen/<id>`, and the served path `nodes` is a
 * relative symbolic link to it, swapped by rename: a node (or a kill) sees
 * the old set or the new one, never a mixture.
 *
 * - A generation is rendered under a temporary name (`.<id>.tmp-<pid>-<hex>`,
 *   swept by the next command if its writer died) and renamed to `<id>` when
 *   complete and flushed: a folder named by a number is always whole.
 * - Unchanged scripts are hard links to the current generation's files (a
 *   script's text depends only on its node, image, kernel arguments and the URL paths, all
 *   recorded in the generation's `.manifest.json`, a dotfile never served).
 * - The generation published and the previous one are kept (a node may be
 *   downloading from the previous one); older ones are deleted.
 * - Earlier versions served a real `nodes/` folder: it is moved aside to
 *   `nodes.gen/legacy-<id>` (kept for the administrator) when the first
 *   generation is published.
 */
import { chmodSync, linkSync, writeFileSync } from 'node:fs';
import { lstat, stat, mkdir, readFile, readdir, readlink, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fsyncDirectory, temporarySibling } from '../core/state/atomic-file.js';
import { inSlices } from '../core/state/file-batches.js';
import type { Paths } from '../core/paths.js';
import { run } from '../system/runner.js';
import { generationDir, generationsDir } from './boot-paths.js';
import { targetKey, type ScriptSet } from './script-set.js';
import { bootUrls, nodeScript } from './ipxe.js';

const MANIFEST = '.manifest.json';

/** What a generation's manifest records: the URL paths its scripts use, and file → its target's key (script-set.ts targetKey: image, kernel arguments, overlay). */
interface Manifest {
  urls: string;
  files: Record<string, string>;
}

/** What the served `nodes` path is now. */
export type ServedNodes = { kind: 'generation'; id: number } | { kind: 'folder' } | { kind: 'missing' } | { kind: 'other' };

function parseId(name: string): number | undefined {
  return /^\d{1,15}$/.test(name) ? Number(name) : undefined;
}

/** The generations of one installation (see the module comment). Callers hold the inventory lock to change them. */
export class Generations {
  constructor(private readonly paths: Paths) {}

  /** Ids of the complete generations on disk, ascending. */
  async ids(): Promise<number[]> {
    const names = await readdir(generationsDir(this.paths)).catch(() => [] as string[]);
    return names.flatMap((name) => { const id = parseId(name); return id === undefined ? [] : [id]; }).sort((a, b) => a - b);
  }

  /** What the served `nodes` path is: a link to a generation, an old real folder, nothing, or something else. */
  async served(): Promise<ServedNodes> {
    const path = this.paths.bootNodesDir;
    const stats = await lstat(path).catch(() => undefined);
    if (!stats) return { kind: 'missing' };
    if (stats.isDirectory()) return { kind: 'folder' };
    if (!stats.isSymbolicLink()) return { kind: 'other' };
    const target = await readlink(path);
    const id = dirname(target) === basename(generationsDir(this.paths)) ? parseId(basename(target)) : undefined;
    return id === undefined ? { kind: 'other' } : { kind: 'generation', id };
  }

  /** The manifest of generation `id` (undefined when it is missing or unreadable: nothing is then linked from it). */
  async manifest(id: number): Promise<Manifest | undefined> {
    try {
      const parsed = JSON.parse(await readFile(join(generationDir(this.paths, id), MANIFEST), 'utf8')) as Manifest;
      return typeof parsed.urls === 'string' && typeof parsed.files === 'object' && parsed.files !== null ? parsed : undefined;
    } catch {
      return undefined;
    }
  }

  /** Whether generation `from` holds exactly `files` (then no new generation is needed). */
  async holds(from: number, files: ScriptSet): Promise<boolean> {
    const manifest = await this.manifest(from);
    if (!manifest || manifest.urls !== JSON.stringify(bootUrls(this.paths))) return false;
    const names = Object.keys(manifest.files);
    return names.length === files.size && names.every((name) => { const target = files.get(name); return target !== undefined && manifest.files[name] === targetKey(target); });
  }

  /**
   * Writes generation `id` holding `files`, linking unchanged scripts from
   * generation `from`, flushes it, and names it `<id>` only then.
   * @throws UsageError E_IPXE_VALUE (a name that cannot stand in a script); ENOSPC and other I/O errors.
   */
  async render(id: number, files: ScriptSet, from: number | undefined): Promise<void> {
    const urlsKey = JSON.stringify(bootUrls(this.paths));
    const previous = from === undefined ? undefined : await this.manifest(from);
    const reusable = previous?.urls === urlsKey ? previous.files : {};
    const final = generationDir(this.paths, id);
    const folder = temporarySibling(final);
    await mkdir(folder, { recursive: true, mode: 0o755 });
    try {
      await this.fill(folder, files, from, reusable);
    } catch (error) {
      // A full disk, typically: what was written is given back at once.
      await rm(folder, { recursive: true, force: true }).catch(() => undefined);
      throw error;
    }
    await rename(folder, final);
    await fsyncDirectory(dirname(final));
  }

  private async fill(folder: string, files: ScriptSet, from: number | undefined, reusable: Record<string, string>): Promise<void> {
    const urls = bootUrls(this.paths);
    const fromDir = from === undefined ? undefined : generationDir(this.paths, from);
    const written: string[] = [];
    await inSlices([...files], ([name, script]) => {
      const target = join(folder, name);
      if (fromDir !== undefined && Object.hasOwn(reusable, name) && reusable[name] === targetKey(script)) {
        try {
          linkSync(join(fromDir, name), target);
          return;
        } catch { /* gone or not linkable: written below */ }
      }
      writeFileSync(target, nodeScript(urls, script.node, script.image, script.kernelArgs, script.overlay, script.servers), { mode: 0o644, flag: 'wx' });
      written.push(target);
    });
    // The mode given at creation is filtered by the umask, the same for every file: one
    // look tells whether they all need a chmod to be world-readable (and so served).
    if (written[0] !== undefined && ((await stat(written[0])).mode & 0o777) !== 0o644) {
      await inSlices(written, (file) => { chmodSync(file, 0o644); });
    }
    const manifest: Manifest = { urls: JSON.stringify(urls), files: Object.fromEntries([...files].map(([name, target]) => [name, targetKey(target)])) };
    await writeFile(join(folder, MANIFEST), `${JSON.stringify(manifest)}\n`, { mode: 0o644, flag: 'wx' });
    // One flush of the file system (syncfs) instead of one fsync per script, which
    // took 20 times longer for 10,000 scripts. Run from inside the folder: its
    // command line names no path, and a `sync` outliving a killed command is harmless.
    if (written.length > 0) await run(['sync', '--file-system', '.'], { cwd: folder });
    await fsyncDirectory(folder);
  }

  /**
   * Points the served `nodes` path at generation `id` by renaming a new link
   * over it. An old real `nodes/` folder is first moved to `nodes.gen/legacy-<id>`.
   */
  async publish(id: number): Promise<void> {
    const path = this.paths.bootNodesDir;
    if ((await this.served()).kind === 'folder') await rename(path, join(generationsDir(this.paths), `legacy-${id}`));
    const temporary = temporarySibling(path);
    await symlink(join(basename(generationsDir(this.paths)), String(id)), temporary);
    await rename(temporary, path);
    await fsyncDirectory(dirname(path));
  }

  /** Deletes every generation but those in `keep` (complete ones; a dead writer's temporary one is swept as a leftover). */
  async prune(keep: readonly (number | undefined)[]): Promise<void> {
    for (const id of await this.ids()) {
      if (!keep.includes(id)) await rm(generationDir(this.paths, id), { recursive: true, force: true });
    }
  }

  /** Deletes generation `id` unless it is served (a change that failed before being published). */
  async discard(id: number): Promise<void> {
    const served = await this.served();
    if (served.kind === 'generation' && served.id === id) return;
    await rm(generationDir(this.paths, id), { recursive: true, force: true });
  }
}
