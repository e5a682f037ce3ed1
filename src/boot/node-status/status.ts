/**
 * `node status`: for each node, what it fetched at its last boot (recorded by
 * `serve`) against what is published now. The current version of a file is
 * the ETag the boot server would send for it, computed by the server's own
 * function from the same file, so "booted" and "published" compare exactly.
 */
import { statSync } from 'node:fs';
import type { CoreServices } from '../../core/core-services.js';
import type { Paths } from '../../core/paths.js';
import { effectiveImages } from '../../core/nodes/effective.js';
import { initramfsName } from '../../core/kernel/kernel-manager.js';
import { imageOfReference } from '../../core/names.js';
import { PUBLISHED_ROOT_FILE, readVersion, versionOfFile } from '../../core/image/versions.js';
import { compareNames } from '../../core/nodes/inventory-file.js';
import { NotFoundError } from '../../errors/index.js';
import { expandNodeNames, foldNodes } from '../../nodeset/index.js';
import { entityTag } from '../../serve/conditional.js';
import { bootUrls, type BootUrls } from '../ipxe/urls.js';
import { readRecords, type NodeBootRecord, type UnknownRequest } from './boot-records.js';
import { STAGES, stageOf, stagePath, type Stage, type StageFile } from './stages.js';

/** One file a node fetched at its last boot. */
export interface FileStatus {
  stage: Stage;
  /** URL path it asked for. */
  path: string;
  /** ETag served then. */
  bootedVersion: string;
  /** ETag the server would send now; null when the file is gone. */
  publishedVersion: string | null;
  fetchedAt: string;
}

/** Where a node stands. */
export type NodeState = 'up to date' | 'stale' | 'never booted';

/** Status of one inventory node. */
export interface NodeStatus {
  name: string;
  /** Image assigned now (its own or from a profile), null when none. */
  image: string | null;
  /** Image whose files it fetched at its last boot, null when none was recorded. */
  bootedImage: string | null;
  state: NodeState;
  /** ISO 8601 time of its last request, source address and reported MAC; null when never seen. */
  lastSeen: string | null;
  address: string | null;
  mac: string | null;
  files: FileStatus[];
  /** Why a reboot would change what it runs (empty unless `stale`). */
  staleReasons: string[];
  /** Files it fetched that are not those of the image assigned to it. */
  mismatches: string[];
}

/** Answer of {@link nodeStatus}. */
export interface NodeStatusReport {
  nodes: string;
  nodeCount: number;
  staleNodes: string;
  staleNodeCount: number;
  neverBootedNodes: string;
  neverBootedNodeCount: number;
  mismatchNodes: string;
  mismatchNodeCount: number;
  statuses: NodeStatus[];
  /**
   * Requests that named no inventory node: how many were recorded, the
   * latest ones. Null when a node set was asked for: they belong to no node of it.
   */
  unknownRequests: { count: number; recent: UnknownRequest[] } | null;
}

/** A recorded URL path as it stands now: the stage file it names and that file's current ETag. */
interface PathNow {
  file: StageFile | undefined;
  /** ETag the server would send now; null when the file is gone or the path names no file. */
  version: string | null;
}

/**
 * Current version of each recorded URL path, worked out once per distinct
 * path however many nodes fetched it (10,000 nodes share one kernel path).
 * The `stat` is synchronous: one per distinct file, a few microseconds each
 * from the inode cache, where a promise per node script cost more than the
 * system call itself (and most of the garbage collection of a 10,000-node status).
 */
class PublishedVersions {
  private readonly byPath = new Map<string, PathNow>();
  constructor(private readonly paths: Paths, private readonly urls: BootUrls) {}

  of(path: string): PathNow {
    let now = this.byPath.get(path);
    if (now === undefined) {
      const file = stageOf(this.urls, path);
      // A path that no longer parses (edited file, changed URL layout) has no current version.
      const physical = file ? stagePath(this.paths, file) : undefined;
      now = { file, version: physical === undefined ? null : currentVersion(physical) };
      this.byPath.set(path, now);
    }
    return now;
  }
}

function currentVersion(file: string): string | null {
  try {
    const stats = statSync(file, { throwIfNoEntry: false });
    return stats?.isFile() ? entityTag(stats) : null;
  } catch {
    return null;
  }
}

/** Kernel and initramfs file names of each image that has a kernel. */
async function imageKernels(services: CoreServices): Promise<Map<string, string>> {
  const kernels = new Map<string, string>();
  for (const image of await services.images.list()) {
    const kernel = image.attributes?.kernel;
    if (typeof kernel === 'string') kernels.set(image.name, kernel);
  }
  return kernels;
}

/** Current ETag of the image's published root image when `file` is a versioned one (else undefined). */
function currentRootImage(path: string, file: StageFile, versions: PublishedVersions): string | null | undefined {
  if (versionOfFile(file.file) === undefined) return undefined;
  return versions.of(`${path.slice(0, path.lastIndexOf('/') + 1)}${PUBLISHED_ROOT_FILE}`).version;
}

function mismatchOf(name: string, record: NodeBootRecord, image: string | null, file: StageFile, kernel: string | undefined): string | undefined {
  if (file.stage === 'nodeScript') {
    return file.owner === name || file.owner === record.mac ? undefined : `fetched the script of node ${file.owner}`;
  }
  if (file.stage === 'overlay') return file.owner === name ? undefined : `fetched the overlay of node ${file.owner}`;
  if (image === null) return undefined;
  if (file.stage === 'bootFile' || file.stage === 'rootImage') {
    const assigned = imageOfReference(image);
    if (file.owner !== assigned) return `fetched ${file.file} of image ${file.owner}, assigned ${image}`;
    const pinned = assigned === image ? undefined : image.slice(assigned.length + 1);
    // A pinned node must fetch that version's own files, not the ones published as current.
    return pinned === undefined || versionOfFile(file.file) === pinned ? undefined : `fetched ${file.file} of image ${assigned}, pinned to version ${pinned}`;
  }
  if (kernel === undefined) return undefined;
  const expected = file.stage === 'kernel' ? kernel : initramfsName(kernel);
  return file.file === expected ? undefined : `fetched ${file.stage} ${file.file}, image ${image} uses ${expected}`;
}

function statusOf(name: string, image: string | null, record: NodeBootRecord | undefined, versions: PublishedVersions, kernel: string | undefined): NodeStatus {
  const lastSeen = record?.lastSeen ?? null;
  const address = record?.address ?? null;
  const mac = record?.mac ?? null;
  if (!record) return { name, image, lastSeen, address, mac, bootedImage: null, state: 'never booted', files: [], staleReasons: [], mismatches: [] };
  const files: FileStatus[] = [];
  const staleReasons: string[] = [];
  const mismatches: string[] = [];
  let bootedImage: string | null = null;
  for (const stage of STAGES) {
    const served = record.stages[stage];
    if (served === undefined) continue;
    const { file, version } = versions.of(served.path);
    let publishedVersion = file !== undefined && file.stage === stage ? version : null;
    // A node that is not pinned boots whatever version is current: its versioned root image stays on
    // disk (older versions are kept), so compare with the current one, published as squashfs.img.
    const current = file && stage === 'rootImage' && image !== null && image === imageOfReference(image) ? currentRootImage(served.path, file, versions) : undefined;
    if (current !== undefined) publishedVersion = current;
    files.push({ stage, path: served.path, bootedVersion: served.etag, publishedVersion, fetchedAt: served.at });
    // A version's own boot file tells the version it booted (`NAME@VERSION`, as nodes are pinned).
    if (file && stage === 'bootFile') bootedImage = versionOfFile(file.file) ? `${file.owner}@${versionOfFile(file.file)}` : file.owner;
    else if (file && stage === 'rootImage') bootedImage ??= file.owner;
    const mismatch = file ? mismatchOf(name, record, image, file, kernel) : undefined;
    if (mismatch) mismatches.push(mismatch);
    // Node scripts are re-rendered whenever the inventory changes (new inode, new ETag) but only
    // name the image: whether the image changed is checked below, not the script's version.
    if (stage !== 'nodeScript' && publishedVersion !== served.etag) {
      const what = `${stage} ${file?.file ?? served.path}`;
      staleReasons.push(publishedVersion === null ? `${what} is gone` : current !== undefined ? `${what} is no longer the current version of image ${file?.owner}` : `${what} changed`);
    }
  }
  if (files.length === 0) return { name, image, lastSeen, address, mac, bootedImage: null, state: 'never booted', files: [], staleReasons: [], mismatches: [] };
  if (bootedImage !== image) {
    staleReasons.unshift(image === null ? `no image is assigned now (booted ${bootedImage ?? 'none'})` : `assigned image is ${image}, booted ${bootedImage ?? 'none'}`);
  }
  return { name, image, lastSeen, address, mac, bootedImage, state: staleReasons.length > 0 ? 'stale' : 'up to date', files, staleReasons, mismatches };
}

/** Options of {@link nodeStatus}. */
export interface NodeStatusOptions {
  /** Hears of a damaged boot records file (one line naming it); the status goes on as if nothing was recorded. */
  onWarning?: (line: string) => void;
}

/**
 * Status of the inventory's nodes (all, or those of `nodeSet`), sorted by name.
 * Reads the inventory, the boot records and one `stat` per distinct file (synchronous: see PublishedVersions).
 * @throws UsageError E_NODESET_SYNTAX, E_NODE_NAME... for a bad node set.
 * @throws NotFoundError E_NODE_NOT_FOUND when a node of the set is not in the inventory.
 * @throws OperationError E_INVENTORY_INVALID when the inventory does not parse.
 */
export async function nodeStatus(services: CoreServices, nodeSet?: string, options: NodeStatusOptions = {}): Promise<NodeStatusReport> {
  const wanted = nodeSet === undefined ? undefined : expandNodeNames(nodeSet);
  const document = await services.inventory.read();
  if (wanted) {
    const missing = wanted.filter((name) => !Object.hasOwn(document.nodes, name));
    if (missing.length > 0) throw new NotFoundError('E_NODE_NOT_FOUND', `${foldNodes(missing)} not in the inventory`, 'see `disklessset node list`');
  }
  const names = (wanted ?? Object.keys(document.nodes)).sort(compareNames);
  const images = effectiveImages(document);
  const [records, kernels] = await Promise.all([readRecords(services.paths.nodeBootsFile, options.onWarning), imageKernels(services)]);
  // A node pinned to a version boots that version's kernel.
  for (const reference of new Set(Object.values(images))) {
    const name = imageOfReference(reference);
    if (name === reference) continue;
    const kernel = (await readVersion(services.paths.imageDir(name), reference.slice(name.length + 1)))?.kernel;
    if (kernel) kernels.set(reference, kernel);
  }
  // Once, not per node: checking the URL paths as iPXE words cost a tenth of the time over 10,000 nodes.
  const versions = new PublishedVersions(services.paths, bootUrls(services.paths));
  const statuses = names.map((name) => {
    const image = images[name] ?? null;
    return statusOf(name, image, records.nodes[name], versions, image === null ? undefined : kernels.get(image));
  });
  const having = (test: (status: NodeStatus) => boolean) => statuses.filter(test).map((status) => status.name);
  const stale = having((status) => status.state === 'stale');
  const never = having((status) => status.state === 'never booted');
  const mismatch = having((status) => status.mismatches.length > 0);
  return {
    nodes: foldNodes(names), nodeCount: names.length,
    staleNodes: foldNodes(stale), staleNodeCount: stale.length,
    neverBootedNodes: foldNodes(never), neverBootedNodeCount: never.length,
    mismatchNodes: foldNodes(mismatch), mismatchNodeCount: mismatch.length,
    statuses,
    unknownRequests: wanted ? null : records.unknown,
  };
}
