/**
 * `image diff A[@V] B[@V]`: reads what diff-compute.ts compares from two
 * published livenet versions without unpacking them. A flat image is read
 * with `unsquashfs -cat` (dpkg status), `unsquashfs -d` of /var/lib/rpm only,
 * and `unsquashfs -lln` (files). A liveos image holds an ext4 file system:
 * the squashfs is loop-mounted read-only, its LiveOS/rootfs.img loop-mounted
 * read-only from there (nothing copied out) and listed with `find` unless a
 * manifest lists it, in a scratch folder of the work folder removed afterwards.
 * Files are compared by the versions' content manifests (manifest.ts) when
 * both have one, so a file changed at the same size is seen; else by the
 * listings (versions published before manifests), which the answer says.
 */
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { CoreServices } from '../../core/core-services.js';
import { parseImageReference } from '../../core/names.js';
import { listVersions, PUBLISHED_ROOT_FILE, readVersion, versionManifestFile, versionRootFile } from '../../core/image/versions.js';
import { readManifest } from './manifest.js';
import { requireIntactVersion, versionNotFound } from '../../core/image/version-operations.js';
import { run } from '../../system/runner.js';
import { mount, unmountTree } from '../../system/mount.js';
import { loadLivenet } from './image-access.js';
import { diffScratchPrefix } from './work-layout.js';
import {
  diffFiles, diffPackages, parseDpkgStatus, parseListing, parseRpmList, type FileDiff, type ListedFile, type PackageDiff, type PackageList,
} from './diff-compute.js';

/** Answer of {@link diffImages}. */
export interface ImageDiff {
  from: string;
  to: string;
  /** Which database the packages were read from (`dpkg`, `rpm`), null when neither image has one. */
  packageDatabase: 'dpkg' | 'rpm' | null;
  /** `manifest`: files compared by content (sha256); `listing`: by size, mode, owner and link target only (a version has no manifest). */
  filesComparedBy: 'manifest' | 'listing';
  packages: PackageDiff;
  files: FileDiff;
}

const RPM_QUERY = '%{NAME} %{EPOCHNUM}:%{VERSION}-%{RELEASE}.%{ARCH}\\n';
const LONG = 24 * 3600_000;

/** What was read of one image. */
interface ImageContent {
  packages: PackageList;
  database: 'dpkg' | 'rpm' | null;
  files: Map<string, ListedFile>;
}

/** Packages of a tree reachable as files (a mount point or an extracted /var/lib/rpm). */
async function rpmPackages(dbpath: string): Promise<PackageList> {
  const result = await run(['rpm', '--dbpath', dbpath, '-qa', '--qf', RPM_QUERY], { timeoutMs: 600_000, allowFailure: true, maxBuffer: 1 << 28 });
  return result.exitCode === 0 ? parseRpmList(result.stdout) : new Map();
}

/** `known`: the files from the version's manifest (no listing needed then). */
async function readFlat(file: string, scratch: string, known?: Map<string, ListedFile>): Promise<ImageContent> {
  const files = known ?? parseListing((await run(['unsquashfs', '-lln', file], { timeoutMs: LONG, maxBuffer: 1 << 30 })).stdout);
  if (files.has('/var/lib/dpkg/status')) {
    const status = await run(['unsquashfs', '-cat', file, 'var/lib/dpkg/status'], { timeoutMs: 600_000, maxBuffer: 1 << 28 });
    return { packages: parseDpkgStatus(status.stdout), database: 'dpkg', files };
  }
  if ([...files.keys()].some((path) => path.startsWith('/var/lib/rpm/'))) {
    const out = join(scratch, 'rpm');
    await run(['unsquashfs', '-no-progress', '-quiet', '-d', out, file, 'var/lib/rpm'], { timeoutMs: 600_000 });
    return { packages: await rpmPackages(join(out, 'var', 'lib', 'rpm')), database: 'rpm', files };
  }
  return { packages: new Map(), database: null, files };
}

/** The squashfs is loop-mounted read-only, and its LiveOS/rootfs.img from it: nothing is copied out. */
async function readLiveos(file: string, scratch: string, known?: Map<string, ListedFile>): Promise<ImageContent> {
  const squash = join(scratch, 'squash');
  const mnt = join(scratch, 'mnt');
  await mkdir(squash);
  await mkdir(mnt);
  await mount(['-t', 'squashfs', '-o', 'loop,ro', file, squash]);
  try {
    await mount(['-o', 'loop,ro', join(squash, 'LiveOS', 'rootfs.img'), mnt]);
    const normalised = known ?? await listMounted(mnt);
    if (normalised.has('/var/lib/dpkg/status')) {
      const status = await readFile(join(mnt, 'var', 'lib', 'dpkg', 'status'), 'utf8');
      return { packages: parseDpkgStatus(status), database: 'dpkg', files: normalised };
    }
    const rpm = [...normalised.keys()].some((path) => path.startsWith('/var/lib/rpm/'));
    return { packages: rpm ? await rpmPackages(join(mnt, 'var', 'lib', 'rpm')) : new Map(), database: rpm ? 'rpm' : null, files: normalised };
  } finally {
    // The file system inside first: its loop device reads a file of the squashfs.
    await unmountTree(mnt);
    await unmountTree(squash);
  }
}

/** The listing of a mounted tree in unsquashfs's own `-lln` shape, so one parser reads both layouts. */
async function listMounted(mnt: string): Promise<Map<string, ListedFile>> {
  const listing = await run(['find', mnt, '-xdev', '-mindepth', '1', '-printf', '%M %U/%G %s %TY-%Tm-%Td %TH:%TM squashfs-root/%P\t%l\n'],
    { timeoutMs: LONG, maxBuffer: 1 << 30 });
  const text = listing.stdout.split('\n').map((line) => {
    const tab = line.lastIndexOf('\t');
    if (tab < 0) return line;
    const target = line.slice(tab + 1);
    return target === '' ? line.slice(0, tab) : `${line.slice(0, tab)} -> ${target}`;
  }).join('\n');
  return parseListing(text);
}

/**
 * The root file of `reference` (`NAME` for the current version, `NAME@VERSION` for a kept one) and its layout,
 * checked intact (the size its record names) so that a damaged version is one clear refusal, not the output of unsquashfs.
 * @throws UsageError E_IMAGE_NAME, E_IMAGE_VERSION, E_NOT_LIVENET; NotFoundError E_IMAGE_NOT_FOUND, E_VERSION_NOT_FOUND; ConflictError E_VERSION_DAMAGED.
 */
async function rootOf(services: CoreServices, reference: string): Promise<{ file: string; layout: string; label: string; manifest?: string }> {
  const { name, version } = parseImageReference(reference);
  const image = await loadLivenet(services, name);
  const dir = image.imageDirectory;
  const id = version ?? image.version;
  // One record read: the folder is listed only for the hint of an unknown version.
  const record = id === undefined ? undefined : await readVersion(dir, id);
  if (version !== undefined && !record) throw versionNotFound(name, version, (await listVersions(dir)).map((entry) => entry.id));
  if (record) await requireIntactVersion(dir, name, record, 'compare');
  if (id === undefined) return { file: join(dir, PUBLISHED_ROOT_FILE), layout: image.layout, label: name };
  return { file: join(dir, versionRootFile(id)), layout: version === undefined ? image.layout : record?.attributes.layout === 'flat' ? 'flat' : 'liveos',
    label: version === undefined ? `${name}@${id}` : reference, manifest: join(dir, versionManifestFile(id)) };
}

/**
 * Runs `action` holding the locks of the images `names` (each once, in name
 * order so that two diffs never wait on each other): no rebuild, resize or
 * rollback can prune or replace a version being read meanwhile.
 */
async function withImageLocks<T>(services: CoreServices, names: readonly string[], action: () => Promise<T>): Promise<T> {
  const [first, ...rest] = [...new Set(names)].sort();
  if (first === undefined) return action();
  return services.images.withImageLock(first, () => withImageLocks(services, rest, action));
}

/**
 * Packages, then files, added, removed and changed from `a` to `b` (each `NAME` or `NAME@VERSION`).
 * Runs under the locks of both images (see withImageLocks).
 * @throws the codes of the references (see rootOf), ConflictError E_LOCK_TIMEOUT; CommandError when a tool fails.
 */
export async function diffImages(services: CoreServices, a: string, b: string): Promise<ImageDiff> {
  const names = [parseImageReference(a).name, parseImageReference(b).name];
  // The repair takes the image lock itself: before ours.
  for (const name of new Set(names)) await services.images.repairVersionRecords(name);
  return withImageLocks(services, names, () => diffLocked(services, a, b));
}

async function diffLocked(services: CoreServices, a: string, b: string): Promise<ImageDiff> {
  const [from, to] = [await rootOf(services, a), await rootOf(services, b)];
  await mkdir(services.paths.workDir, { recursive: true });
  const scratch = await mkdtemp(join(services.paths.workDir, diffScratchPrefix()));
  try {
    // Both or neither: a manifest's entries and a listing's do not compare.
    const manifests = await Promise.all([from, to].map((root) => (root.manifest ? readManifest(root.manifest) : undefined)));
    const both = manifests[0] !== undefined && manifests[1] !== undefined;
    const read = async (root: { file: string; layout: string }, part: string, known: Map<string, ListedFile> | undefined) => {
      const folder = join(scratch, part);
      await mkdir(folder);
      return root.layout === 'flat' ? readFlat(root.file, folder, known) : readLiveos(root.file, folder, known);
    };
    const first = await read(from, 'a', both ? manifests[0] : undefined);
    const second = await read(to, 'b', both ? manifests[1] : undefined);
    return {
      from: from.label, to: to.label, packageDatabase: second.database ?? first.database, filesComparedBy: both ? 'manifest' : 'listing',
      packages: diffPackages(first.packages, second.packages), files: diffFiles(first.files, second.files),
    };
  } finally {
    await unmountTree(scratch);
    await rm(scratch, { recursive: true, force: true });
  }
}
