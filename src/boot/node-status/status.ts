/**
 * `node status`: for each node, what it fetched at its last boot (recorded by
 * `serve`) against what is published now. The current version of a file is
 * the ETag the boot server would send for it, computed by the server's own
 * function from the same file, so "booted" and "published" compare exactly.
 */
import type { CoreServices } from '../../core/core-services.js';
import { effectiveImages } from '../../core/nodes/effective.js';
import { initramfsName } from '../../core/kernel/kernel-manager.js';
import { imageOfReference } from '../../core/names.js';
import { PUBLISHED_ROOT_FILE, readVersion, versionOfFile } from '../../core/image/versions.js';
import { compareNames } from '../../core/nodes/name-order.js';
import { NotFoundError } from '../../errors/index.js';
import { expandNodeNames, foldNodes } from '../../nodeset/index.js';
import { bootUrls } from '../ipxe/urls.js';
import { overlayHealth } from '../overlays/overlay-health.js';
import { readRecords, type FetchedFile, type NodeBootRecord, type UnknownRequest } from './boot-records.js';
import { imageKernels, PublishedVersions } from './published.js';
import { STAGES, type Stage, type StageFile } from './stages.js';

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
  /**
   * Nodes of the report whose node script loads an overlay archive (the
   * manifest records one) that is missing on disk (folded; '' for none):
   * they stop at boot until `overlay build` writes it again.
   */
  missingOverlayNodes: string;
  missingOverlayNodeCount: number;
  /** Nodes of the report whose overlays the last builds could not render (folded), and each problem with its nodes (folded). */
  unrenderedOverlayNodes: string;
  unrenderedOverlayNodeCount: number;
  overlayProblems: { problem: string; nodes: string }[];
  /** Nodes of the report whose secret archive `serve` gives to no address, their registered address being another node's too (folded). */
  sharedAddressNodes: string;
  sharedAddressNodeCount: number;
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

/** What one fetched file says of a node: its version now, the image it shows booted, a mismatch, why it makes the node stale. */
interface Verdict {
  stage: Stage;
  file: StageFile | undefined;
  publishedVersion: string | null;
  /** Image it shows booted (a boot file decides, a root image only when no boot file did). */
  booted: string | undefined;
  mismatch: string | undefined;
  stale: string | undefined;
}

function verdictOf(name: string, record: NodeBootRecord, image: string | null, kernel: string | undefined, stage: Stage, served: FetchedFile, versions: PublishedVersions): Verdict {
  const { file, version } = versions.of(served.path);
  let publishedVersion = file !== undefined && file.stage === stage ? version : null;
  // A node that is not pinned boots whatever version is current: its versioned root image stays on
  // disk (older versions are kept), so compare with the current one, published as squashfs.img.
  const current = file && stage === 'rootImage' && image !== null && image === imageOfReference(image) ? currentRootImage(served.path, file, versions) : undefined;
  if (current !== undefined) publishedVersion = current;
  // A version's own boot file tells the version it booted (`NAME@VERSION`, as nodes are pinned).
  const booted = file && stage === 'bootFile' ? (versionOfFile(file.file) ? `${file.owner}@${versionOfFile(file.file)}` : file.owner)
    : file && stage === 'rootImage' ? file.owner : undefined;
  let stale: string | undefined;
  // Node scripts are re-rendered whenever the inventory changes (new inode, new ETag) but only
  // name the image: whether the image changed is checked by the caller, not the script's version.
  if (stage !== 'nodeScript' && publishedVersion !== served.etag) {
    const what = `${stage} ${file?.file ?? served.path}`;
    stale = publishedVersion === null ? `${what} is gone` : current !== undefined ? `${what} is no longer the current version of image ${file?.owner}` : `${what} changed`;
  }
  return { stage, file, publishedVersion, booted, mismatch: file ? mismatchOf(name, record, image, file, kernel) : undefined, stale };
}

/**
 * Verdicts of the files that are the same for every node of one image (boot
 * file, kernel, initramfs, root image): worked out once per image, path and
 * version, not once per node. Node scripts and overlays are the node's own.
 */
class SharedVerdicts {
  private readonly byImage = new Map<string | null, Map<string, Map<string, Verdict>>>();

  get(name: string, record: NodeBootRecord, image: string | null, kernel: string | undefined, stage: Stage, served: FetchedFile, versions: PublishedVersions): Verdict {
    if (stage === 'nodeScript' || stage === 'overlay') return verdictOf(name, record, image, kernel, stage, served, versions);
    let byPath = this.byImage.get(image);
    if (byPath === undefined) this.byImage.set(image, byPath = new Map());
    let byEtag = byPath.get(served.path);
    if (byEtag === undefined) byPath.set(served.path, byEtag = new Map());
    let verdict = byEtag.get(served.etag);
    if (verdict === undefined) byEtag.set(served.etag, verdict = verdictOf(name, record, image, kernel, stage, served, versions));
    // One path recorded under two stages (a hand-edited file) is judged each time.
    return verdict.stage === stage ? verdict : verdictOf(name, record, image, kernel, stage, served, versions);
  }
}

function neverBooted(name: string, image: string | null, record: NodeBootRecord | undefined): NodeStatus {
  return { name, image, lastSeen: record?.lastSeen ?? null, address: record?.address ?? null, mac: record?.mac ?? null, bootedImage: null, state: 'never booted', files: [], staleReasons: [], mismatches: [] };
}

function statusOf(name: string, image: string | null, record: NodeBootRecord | undefined, versions: PublishedVersions, kernel: string | undefined, verdicts: SharedVerdicts): NodeStatus {
  if (!record) return neverBooted(name, image, record);
  const files: FileStatus[] = [];
  const staleReasons: string[] = [];
  const mismatches: string[] = [];
  let bootedImage: string | null = null;
  for (const stage of STAGES) {
    const served = record.stages[stage];
    if (served === undefined) continue;
    const verdict = verdicts.get(name, record, image, kernel, stage, served, versions);
    files.push({ stage, path: served.path, bootedVersion: served.etag, publishedVersion: verdict.publishedVersion, fetchedAt: served.at });
    if (verdict.booted !== undefined) bootedImage = stage === 'bootFile' ? verdict.booted : bootedImage ?? verdict.booted;
    if (verdict.mismatch) mismatches.push(verdict.mismatch);
    if (verdict.stale) staleReasons.push(verdict.stale);
  }
  if (files.length === 0) return neverBooted(name, image, record);
  if (bootedImage !== image) {
    staleReasons.unshift(image === null ? `no image is assigned now (booted ${bootedImage ?? 'none'})` : `assigned image is ${image}, booted ${bootedImage ?? 'none'}`);
  }
  return { name, image, lastSeen: record.lastSeen, address: record.address, mac: record.mac ?? null, bootedImage, state: staleReasons.length > 0 ? 'stale' : 'up to date', files, staleReasons, mismatches };
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
  const [records, kernels] = await Promise.all([readRecords(services.paths.nodeBootsFile, options.onWarning, names), imageKernels(services)]);
  // A node pinned to a version boots that version's kernel.
  for (const reference of new Set(Object.values(images))) {
    const name = imageOfReference(reference);
    if (name === reference) continue;
    const kernel = (await readVersion(services.paths.imageDir(name), reference.slice(name.length + 1)))?.kernel;
    if (kernel) kernels.set(reference, kernel);
  }
  // Once, not per node: checking the URL paths as iPXE words cost a tenth of the time over 10,000 nodes.
  const versions = new PublishedVersions(services.paths, bootUrls(services.paths));
  const verdicts = new SharedVerdicts();
  const statuses = names.map((name) => {
    const image = images[name] ?? null;
    return statusOf(name, image, records.nodes[name], versions, image === null ? undefined : kernels.get(image), verdicts);
  });
  const having = (test: (status: NodeStatus) => boolean) => statuses.filter(test).map((status) => status.name);
  const stale = having((status) => status.state === 'stale');
  const never = having((status) => status.state === 'never booted');
  const mismatch = having((status) => status.mismatches.length > 0);
  const overlays = await overlayHealth(services.paths, names);
  const unrendered = [...overlays.unrendered.values()].flat();
  return {
    missingOverlayNodes: foldNodes(overlays.missing), missingOverlayNodeCount: overlays.missing.length,
    unrenderedOverlayNodes: foldNodes(unrendered), unrenderedOverlayNodeCount: unrendered.length,
    overlayProblems: [...overlays.unrendered].map(([problem, nodes]) => ({ problem, nodes: foldNodes(nodes) })),
    sharedAddressNodes: foldNodes(overlays.sharedAddress), sharedAddressNodeCount: overlays.sharedAddress.length,
    nodes: foldNodes(names), nodeCount: names.length,
    staleNodes: foldNodes(stale), staleNodeCount: stale.length,
    neverBootedNodes: foldNodes(never), neverBootedNodeCount: never.length,
    mismatchNodes: foldNodes(mismatch), mismatchNodeCount: mismatch.length,
    statuses,
    unknownRequests: wanted ? null : records.unknown,
  };
}
