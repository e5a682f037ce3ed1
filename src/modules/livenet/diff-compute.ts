/**
 * What `image diff` compares, from text the tools print: the package lists
 * (dpkg's status file, or `rpm -qa` lines) and the file listings
 * (`unsquashfs -lln`). Pure functions: reading the images is diff-read.ts.
 */

/** Package name → version. */
export type PackageList = Map<string, string>;

/** Installed packages of a dpkg status file (`Status: ... installed` paragraphs; `name:arch` for foreign architectures). */
export function parseDpkgStatus(text: string): PackageList {
  const packages: PackageList = new Map();
  for (const paragraph of text.split(/\n\s*\n/)) {
    const field = (name: string) => new RegExp(`^${name}:[ \\t]*(.*)$`, 'm').exec(paragraph)?.[1]?.trim();
    const name = field('Package');
    const version = field('Version');
    if (!name || version === undefined || !/\binstalled$/.test(field('Status') ?? '')) continue;
    const arch = field('Architecture');
    packages.set(arch && arch !== 'all' && packages.has(name) ? `${name}:${arch}` : name, version);
  }
  return packages;
}

/** Packages of `rpm -qa --qf '%{NAME} %{EPOCHNUM}:%{VERSION}-%{RELEASE}.%{ARCH}\n'` lines (epoch 0 left out). */
export function parseRpmList(text: string): PackageList {
  const packages: PackageList = new Map();
  for (const line of text.split('\n')) {
    const [name, version] = line.trim().split(' ');
    if (name && version) packages.set(name, version.replace(/^0:/, ''));
  }
  return packages;
}

/** One entry of a listing: what tells whether it changed. */
export interface ListedFile {
  /** `d`, `-`, `l`, `c`, `b`, `p`, `s`. */
  type: string;
  /** Bytes (0 for devices). */
  size: number;
  /** What changes with the entry: mode, owner, time and link target as listed, or (manifest.ts) its sha256 instead of the time. */
  signature: string;
}

/** Path (from the image's root, `/etc/passwd`) → entry, from `unsquashfs -lln` output. */
export function parseListing(text: string): Map<string, ListedFile> {
  const files = new Map<string, ListedFile>();
  // e.g. `-rw-r--r-- 0/0    105 2026-11-30 07:57 squashfs-root/var/lib/dpkg/status`; devices list `major, minor` as size.
  const line = /^(\S)(\S{9})\s+(\S+)\s+(\d+|\d+,\s*\d+)\s+(\S+ \S+) squashfs-root(\/.*)?$/;
  for (const text_ of text.split('\n')) {
    const match = line.exec(text_);
    if (!match) continue;
    const [, type = '', mode = '', owner = '', size = '0', time = '', rest = ''] = match;
    if (rest === '') continue;
    const arrow = type === 'l' ? rest.indexOf(' -> ') : -1;
    const path = arrow >= 0 ? rest.slice(0, arrow) : rest;
    const target = arrow >= 0 ? rest.slice(arrow + 4) : '';
    files.set(path, { type, size: size.includes(',') ? 0 : Number(size), signature: `${type}${mode} ${owner} ${size} ${time} ${target}` });
  }
  return files;
}

/** Packages added, removed and changed between two lists. */
export interface PackageDiff {
  added: { name: string; version: string }[];
  removed: { name: string; version: string }[];
  changed: { name: string; from: string; to: string }[];
}

/** Compares two package lists (sorted by name). */
export function diffPackages(a: PackageList, b: PackageList): PackageDiff {
  const names = [...new Set([...a.keys(), ...b.keys()])].sort();
  const diff: PackageDiff = { added: [], removed: [], changed: [] };
  for (const name of names) {
    const from = a.get(name);
    const to = b.get(name);
    if (from === undefined && to !== undefined) diff.added.push({ name, version: to });
    else if (to === undefined && from !== undefined) diff.removed.push({ name, version: from });
    else if (from !== to && from !== undefined && to !== undefined) diff.changed.push({ name, from, to });
  }
  return diff;
}

/** Counts of files added, removed and changed, with the largest of each (by bytes in the image they are in). */
export interface FileDiff {
  addedCount: number;
  removedCount: number;
  changedCount: number;
  /** Up to `top` paths each, largest first. */
  largestAdded: { path: string; bytes: number }[];
  largestRemoved: { path: string; bytes: number }[];
  largestChanged: { path: string; fromBytes: number; toBytes: number }[];
}

/** Compares two listings; directories count only when added or removed. */
export function diffFiles(a: Map<string, ListedFile>, b: Map<string, ListedFile>, top = 10): FileDiff {
  const added: { path: string; bytes: number }[] = [];
  const removed: { path: string; bytes: number }[] = [];
  const changed: { path: string; fromBytes: number; toBytes: number }[] = [];
  for (const [path, entry] of b) {
    const before = a.get(path);
    if (!before) added.push({ path, bytes: entry.size });
    // A directory's listed size and time change with its entries: its own change is those entries.
    else if (before.signature !== entry.signature && !(before.type === 'd' && entry.type === 'd')) changed.push({ path, fromBytes: before.size, toBytes: entry.size });
  }
  for (const [path, entry] of a) if (!b.has(path)) removed.push({ path, bytes: entry.size });
  const largest = <T>(list: T[], bytes: (item: T) => number) => [...list].sort((x, y) => bytes(y) - bytes(x)).slice(0, top);
  return {
    addedCount: added.length, removedCount: removed.length, changedCount: changed.length,
    largestAdded: largest(added, (item) => item.bytes),
    largestRemoved: largest(removed, (item) => item.bytes),
    largestChanged: largest(changed, (item) => Math.max(item.fromBytes, item.toBytes)),
  };
}
