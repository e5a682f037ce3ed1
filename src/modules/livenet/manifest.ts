/**
 * Content manifests of versions: what `image diff` compares when both
 * versions have one. File times are clamped to the build's epoch
 * (reproducible.ts), so a listing cannot tell a file whose bytes changed at
 * the same size; the manifest records each file's sha256. Written at
 * publication from the tree that was squashed (one line per entry, sorted
 * walk: path, type, mode, owner, size, then the sha256 of a regular file,
 * the target of a symbolic link or the device number), kept beside the
 * version as `manifest-<id>.tsv` (see core/image/versions.ts), mode 0600:
 * never served, as it names every file of the image.
 */
import type { Stats } from 'node:fs';
import { lstat, readdir, readFile, readlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileSha256 } from '../../core/image/versions.js';
import type { ListedFile } from './diff-compute.js';

const HEADER = '# disklessset content manifest 1: path type mode uid/gid bytes sha256|link-target|device\n';

function typeOf(info: Stats): string {
  if (info.isDirectory()) return 'd';
  if (info.isFile()) return '-';
  if (info.isSymbolicLink()) return 'l';
  if (info.isCharacterDevice()) return 'c';
  if (info.isBlockDevice()) return 'b';
  return info.isFIFO() ? 'p' : 's';
}

/** Paths may hold any byte but `/` and NUL: tabs, newlines and backslashes are escaped so a line stays one entry. */
function escapeField(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n');
}

function unescapeField(text: string): string {
  return text.replace(/\\(.)/g, (_, char: string) => (char === 't' ? '\t' : char === 'n' ? '\n' : char));
}

/**
 * Writes the manifest of `tree` to `file` (mode 0600). One pass over the
 * tree, each regular file read once.
 * @throws the file system's errors; AbortError when `signal` fires.
 */
export async function writeManifest(tree: string, file: string, signal?: AbortSignal): Promise<void> {
  const lines: string[] = [];
  const walk = async (dir: string, relative: string): Promise<void> => {
    signal?.throwIfAborted();
    for (const name of (await readdir(dir)).sort()) {
      const path = join(dir, name);
      const entry = `${relative}/${name}`;
      const info = await lstat(path);
      const type = typeOf(info);
      const content = type === '-' ? await fileSha256(path) : type === 'l' ? escapeField(await readlink(path))
        : type === 'c' || type === 'b' ? String(info.rdev) : '';
      const bytes = type === '-' || type === 'l' ? info.size : 0;
      lines.push([escapeField(entry), type, (info.mode & 0o7777).toString(8), `${info.uid}/${info.gid}`, bytes, content].join('\t'));
      if (type === 'd') await walk(path, entry);
    }
  };
  await walk(tree, '');
  await writeFile(file, HEADER + lines.map((line) => `${line}\n`).join(''), { mode: 0o600 });
}

/**
 * Path (`/etc/passwd`) → entry, from a manifest; undefined when there is none
 * (a version published before manifests were kept) or it is not one.
 */
export async function readManifest(file: string): Promise<Map<string, ListedFile> | undefined> {
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined || !text.startsWith(HEADER)) return undefined;
  const files = new Map<string, ListedFile>();
  for (const line of text.slice(HEADER.length).split('\n')) {
    const [path, type = '', mode = '', owner = '', bytes = '0', content = ''] = line.split('\t');
    if (!path) continue;
    files.set(unescapeField(path), { type, size: Number(bytes), signature: `${type}${mode} ${owner} ${bytes} ${content}` });
  }
  return files;
}
