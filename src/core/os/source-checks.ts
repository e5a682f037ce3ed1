/**
 * Whether a `tar:` or `dir:` source may be built from, checked before a build
 * is registered (exit code 2, nothing created). A source must be an OS tree
 * or tarball of its own: never the whole host, a kernel file system (/proc,
 * /sys, /dev), the tool's own folders, or a file that is not a tar archive.
 */
import { open, realpath, stat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { UsageError } from '../../errors/index.js';
import type { Paths } from '../paths.js';
import { requireRegularFile } from '../input-file.js';
import { assertNothingMounted, listMounts } from '../../system/mount.js';
import { formatSource, type OsSource } from './sources.js';

/** Where tar: and dir: sources may come from. */
export interface SourceScope {
  /** The tool's folders holding state, configuration and served files: never a source, nor inside or above one. */
  ownFolders: readonly string[];
  /** The tool's folders holding OS trees: a tree inside them may be a source, the folder itself (or above) not. */
  treeFolders: readonly string[];
  /** When given (API requests), sources must lie inside one of these folders. */
  allowedRoots?: readonly string[];
}

/** The scope of this root: its state, config and HTTP folders, and its OS tree folders. */
export function sourceScope(paths: Paths, allowedRoots?: readonly string[]): SourceScope {
  return {
    ownFolders: [paths.httpRoot, paths.imagesDir, paths.kernelsDir, paths.bootNodesDir, paths.stateDir, paths.configDir,
      paths.modulesDir, paths.demoDir],
    treeFolders: [paths.workDir, paths.nfsImagesDir],
    allowedRoots,
  };
}

/** File systems the kernel makes up: copying them would copy the live host (or never end). */
const KERNEL_FILE_SYSTEMS = new Set(['proc', 'sysfs', 'devtmpfs', 'devpts', 'cgroup', 'cgroup2', 'securityfs', 'debugfs', 'tracefs',
  'configfs', 'fusectl', 'mqueue', 'hugetlbfs', 'pstore', 'bpf', 'binfmt_misc', 'efivarfs', 'autofs', 'rpc_pipefs', 'nsfs', 'selinuxfs']);

/** Folders of the running host that are never an OS tree to copy, whatever file system holds them. */
const RUNNING_SYSTEM_FOLDERS = ['/proc', '/sys', '/dev', '/run'];

/** Signatures of tar archives, plain (`ustar` at offset 257) or compressed as GNU tar reads them. */
const COMPRESSED_SIGNATURES: readonly Buffer[] = [
  Buffer.from([0x1f, 0x8b]), // gzip
  Buffer.from([0x1f, 0x9d]), // compress
  Buffer.from('BZh'), // bzip2
  Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]), // xz
  Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), // zstd
  Buffer.from([0x04, 0x22, 0x4d, 0x18]), // lz4
  Buffer.from('LZIP'),
];

function atOrBelow(path: string, folder: string): boolean {
  const base = resolve(folder);
  return path === base || path.startsWith(base === sep ? sep : `${base}${sep}`);
}

/** What a refused folder is called in the one line: a build source, or a tree to chroot into. */
interface Subject { label: string; code: 'E_SOURCE' | 'E_CHROOT_TREE' }

function sourceSubject(source: OsSource): Subject {
  return { label: `source ${formatSource(source)}`, code: 'E_SOURCE' };
}

function refused(subject: Subject, why: string, hint: string): UsageError {
  return new UsageError(subject.code, `${subject.label} ${why}`, hint);
}

async function real(path: string): Promise<string | undefined> {
  return realpath(path).catch(() => undefined);
}

async function looksLikeTar(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const head = Buffer.alloc(512);
    const { bytesRead } = await handle.read(head, 0, 512, 0);
    if (COMPRESSED_SIGNATURES.some((signature) => bytesRead >= signature.length && head.subarray(0, signature.length).equals(signature))) {
      return true;
    }
    return bytesRead >= 262 && head.subarray(257, 262).toString('latin1') === 'ustar';
  } finally {
    await handle.close();
  }
}

async function checkPlace(subject: Subject, path: string, scope: SourceScope): Promise<void> {
  // By name too: in containers /dev and /run are often plain tmpfs.
  const system = RUNNING_SYSTEM_FOLDERS.find((folder) => atOrBelow(path, folder));
  if (system) throw refused(subject, `is in ${system}, a folder of the running system`, 'give the folder of an OS tree');
  const kernelMount = (await listMounts()).find((m) => KERNEL_FILE_SYSTEMS.has(m.fsType) && atOrBelow(path, m.mountPoint));
  if (kernelMount) {
    throw refused(subject, `is on ${kernelMount.mountPoint} (${kernelMount.fsType}), a file system the kernel makes up`, 'give the folder of an OS tree');
  }
  const realOf = async (folders: readonly string[]) => Promise.all(folders.map(async (f) => ({ folder: f, real: (await real(f)) ?? resolve(f) })));
  const own = await realOf(scope.ownFolders);
  const trees = await realOf(scope.treeFolders);
  // A tree inside the NFS or work folders is an OS tree of the tool's (e.g. a staging image), even where an own folder holds them.
  const inTreeFolder = trees.some((t) => path !== t.real && atOrBelow(path, t.real));
  const overlap = [...own, ...trees].find((f) => atOrBelow(f.real, path)) ?? (inTreeFolder ? undefined : own.find((f) => atOrBelow(path, f.real)));
  if (overlap) {
    throw refused(subject, `overlaps disklessset's own folder ${overlap.folder}`,
      'copy the tree elsewhere first, or give a tree that does not hold the tool\'s folders');
  }
}

/** Refuses `path` (real) outside every allowed root (API requests). Throws UsageError E_API_PATH_NOT_ALLOWED. */
async function requireAllowed(source: OsSource, path: string, scope: SourceScope): Promise<void> {
  if (!scope.allowedRoots) return;
  const roots = (await Promise.all(scope.allowedRoots.map(real))).filter((root): root is string => root !== undefined);
  if (!roots.some((root) => atOrBelow(path, root))) {
    throw new UsageError('E_API_PATH_NOT_ALLOWED', `source ${formatSource(source)} is outside ${scope.allowedRoots.join(', ')}`,
      'the API only builds from trees, tarballs and image archives in those folders; use the CLI for other places');
  }
}

/**
 * The file of an oci-archive: or docker-archive: source, or the folder of
 * an oci: layout, checked as input files are (registry sources pass: their
 * reference was checked when parsed). Throws UsageError E_FILE_NOT_FOUND,
 * E_NOT_REGULAR_FILE, E_SOURCE (a folder without an `oci-layout` file),
 * E_API_PATH_NOT_ALLOWED.
 */
async function checkOciPath(source: OsSource & { kind: 'oci' }, scope: SourceScope): Promise<void> {
  if (!source.path) return;
  const subject = sourceSubject(source);
  if (source.transport === 'oci') {
    const info = await stat(source.path).catch(() => undefined);
    if (!info?.isDirectory()) throw refused(subject, 'names no folder', 'give the folder of an OCI image layout (it holds an oci-layout file)');
    await requireRegularFile(join(source.path, 'oci-layout'), 'give the folder of an OCI image layout (it holds an oci-layout file)');
  } else {
    await requireRegularFile(source.path, `give the path of ${source.transport === 'oci-archive' ? 'an OCI' : 'a Docker'} archive (.tar)`);
  }
  const path = (await real(source.path)) ?? source.path;
  await requireAllowed(source, path, scope);
  // The archive or layout is only read: only kernel file systems matter, not the tool's folders.
  await checkPlace(subject, path, { ...scope, ownFolders: [], treeFolders: [] });
}

/**
 * Checks that a tar:, dir: or container-image source may be built from
 * (package-manager sources pass). Throws UsageError E_SOURCE (missing, not a folder or not a
 * tar archive, the host's `/`, a kernel file system, the tool's own folders),
 * E_API_PATH_NOT_ALLOWED (outside `scope.allowedRoots`), or ConflictError
 * E_TREE_MOUNTED (file systems mounted inside the tree); for image archives
 * and layouts see `checkOciPath`.
 */
export async function checkSourceUsable(source: OsSource, scope: SourceScope): Promise<void> {
  if (source.kind === 'oci') return checkOciPath(source, scope);
  if (source.kind !== 'tar' && source.kind !== 'dir') return;
  const path = await real(source.path);
  const info = path === undefined ? undefined : await stat(path);
  const isTar = source.kind === 'tar';
  const subject = sourceSubject(source);
  if (!path) throw refused(subject, `names no such ${isTar ? 'file' : 'folder'}`, `give the path of ${isTar ? 'a tar archive' : 'an OS tree'}`);
  if (!(isTar ? info?.isFile() : info?.isDirectory())) {
    throw refused(subject, `is not ${isTar ? 'a regular file' : 'a folder'}`, `give the path of ${isTar ? 'a tar archive' : 'an OS tree'}`);
  }
  await requireAllowed(source, path, scope);
  if (path === sep) throw refused(subject, 'is the whole host file system', 'give the folder of an OS tree, e.g. dir:/srv/trees/compute');
  // A tarball is only read: only kernel file systems matter for it, not the tool's folders.
  await checkPlace(subject, path, isTar ? { ...scope, ownFolders: [], treeFolders: [] } : scope);
  if (isTar) {
    if (!(await looksLikeTar(path))) {
      throw refused(subject, 'is not a tar archive (no tar, gzip, bzip2, xz, zstd, lz4 or lzip signature)', 'give a root-filesystem tarball');
    }
    return;
  }
  await assertNothingMounted(path);
}

/**
 * Checks a folder given to chroot into (`kernel initramfs --chroot`): the
 * rules of a `dir:` source, since the host's /proc, /sys and /dev are then
 * bound (and first unbound) below it: never the host's `/`, a folder of the
 * running system, a kernel file system or the tool's own folders. File
 * systems already mounted inside it are allowed (binds left by a killed run
 * are undone by the chroot itself). Runs before anything is mounted.
 * @throws UsageError E_CHROOT_TREE.
 */
export async function checkChrootTree(tree: string, scope: SourceScope): Promise<void> {
  const subject: Subject = { label: `chroot tree ${tree}`, code: 'E_CHROOT_TREE' };
  const path = await real(tree);
  if (!path) throw refused(subject, 'names no such folder', 'give the folder of an OS tree, e.g. /srv/trees/el9');
  if (!(await stat(path)).isDirectory()) throw refused(subject, 'is not a folder', 'give the folder of an OS tree, e.g. /srv/trees/el9');
  if (path === sep) throw refused(subject, 'is the whole host file system', 'give the folder of an OS tree, e.g. /srv/trees/el9');
  await checkPlace(subject, path, scope);
}
