/**
 * What the boot layer recorded of the published overlay archives, in two
 * small state files written atomically:
 *
 * - the manifest (`overlays.json`): per node, the renderer's input digest of
 *   the archive served (unchanged nodes are skipped by it), the digest of its
 *   rendering inputs (a node whose inputs did not change is not rendered), whether it holds
 *   secrets, and the node's registered address; plus the nodes.yml hash and
 *   the overlay sources' fingerprint it was built from (the start-of-command
 *   repair compares them);
 * - the intent (`overlays.pending.json`): written before the first archive
 *   is replaced, removed once the manifest is; its presence means a build was
 *   killed half-way. It lists the secret flag and address of every archive
 *   about to be written, so that the access rule is never looser than the
 *   archives on disk, even in that window.
 *
 * Nothing read here is trusted as a path: node names are checked by the
 * node-name gate and addresses by `isIP`; a damaged file reads as empty,
 * which makes the next command build every archive again.
 */
import { isIP } from 'node:net';
import { rm } from 'node:fs/promises';
import type { Paths } from '../../core/paths.js';
import { readTextIfExists, writeFileAtomic } from '../../core/state/atomic-file.js';
import { isNodeName } from '../../nodeset/index.js';
import { overlayIntentFile, overlayManifestFile } from '../boot-paths.js';

/** What is recorded of one node's published archive. */
export interface PublishedArchive {
  /** The renderer's `inputDigest` of the archive served. */
  digest: string;
  /**
   * The renderer's digest of the node's rendering inputs (`inputsDigest`),
   * taken before rendering: equal to the current one, the node is not rendered
   * again. Absent in manifests of earlier versions (the node is then rendered).
   */
  inputs?: string;
  /** The archive holds secret entries: served to `ip` only (when set). */
  secret: boolean;
  /** The node's registered address (inventory `ip`) when it has one. */
  ip?: string;
}

/** The manifest (see the module comment). */
export interface OverlayManifest {
  nodes: Record<string, PublishedArchive>;
  /** SHA-256 of the nodes.yml text the last complete build followed. */
  inventorySha256?: string;
  /** Fingerprint of the overlay sources of the last complete build. */
  sources?: string;
  /**
   * The renderer's context digest (OverlayRenderer.contextDigest) of the
   * last complete build, when every record's `inputs` was made under it:
   * a change then digests only the nodes it touched.
   */
  context?: string;
  /**
   * Nodes the builds could not render, each with the one-line problem: they
   * keep their last archive (or have none) until a build renders them;
   * `node status` tells them. Absent when there are none.
   */
  failed?: Record<string, string>;
}

/** Longest problem kept in {@link OverlayManifest.failed} (characters). */
const MAX_PROBLEM = 500;

/** The `failed` record of a parsed manifest: valid node names with a text, cut to {@link MAX_PROBLEM}. */
function failedEntries(value: unknown): Record<string, string> | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const failed: Record<string, string> = {};
  for (const [node, problem] of Object.entries(value as Record<string, unknown>)) {
    if (isNodeName(node) && typeof problem === 'string') failed[node] = problem.slice(0, MAX_PROBLEM);
  }
  return Object.keys(failed).length === 0 ? undefined : failed;
}

/** The intent of a build in progress: the secret flag and address of each archive it replaces. */
export type OverlayIntent = Record<string, Pick<PublishedArchive, 'secret' | 'ip'>>;

/**
 * Whether `raw`, as parsed, is already a record in the checked form (the
 * types right, no other key): then it is used as it is, not copied. Keys in
 * another order than the build's are kept in that order (the same values).
 */
function inCheckedForm(raw: Record<string, unknown>): boolean {
  const { digest, inputs, secret, ip } = raw;
  if (typeof digest !== 'string' || typeof secret !== 'boolean') return false;
  if (inputs !== undefined && typeof inputs !== 'string') return false;
  if (ip !== undefined && (typeof ip !== 'string' || isIP(ip) === 0)) return false;
  let keys = 0;
  for (const key in raw) if (Object.hasOwn(raw, key)) keys += 1;
  return keys === 2 + (inputs === undefined ? 0 : 1) + (ip === undefined ? 0 : 1);
}

function archiveEntries(value: unknown, needDigest: boolean): Record<string, PublishedArchive> {
  const nodes: Record<string, PublishedArchive> = {};
  if (typeof value !== 'object' || value === null) return nodes;
  for (const [node, raw] of Object.entries(value as Record<string, unknown>)) {
    if (!isNodeName(node) || typeof raw !== 'object' || raw === null) continue;
    if (needDigest && inCheckedForm(raw as Record<string, unknown>)) {
      nodes[node] = raw as PublishedArchive;
      continue;
    }
    const { digest, inputs, secret, ip } = raw as Record<string, unknown>;
    if (needDigest && typeof digest !== 'string') continue;
    // Anything but an explicit false counts as secret: a damaged entry must not open an archive to everyone.
    const text = typeof digest === 'string' ? digest : '';
    // Keys in the order the build writes them: a record read and written again keeps its text.
    const record: PublishedArchive = needDigest && typeof inputs === 'string' ? { digest: text, inputs, secret: secret !== false } : { digest: text, secret: secret !== false };
    if (typeof ip === 'string' && isIP(ip) !== 0) record.ip = ip;
    nodes[node] = record;
  }
  return nodes;
}

/** The value of a state file's text; `{}` when it is not JSON (a damaged file reads as holding nothing). */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return {};
  }
}

async function readJson(file: string): Promise<unknown> {
  const text = await readTextIfExists(file);
  return text === undefined ? undefined : parseJson(text);
}

/**
 * The manifest last read or written by this process, with its exact text: a
 * command reads it up to three times (10,000 entries, a tenth of a second of
 * parsing and checking each time). It is used only when the file holds that
 * very text, so an edit or another process's write is always read.
 */
let known: { file: string; text: string; manifest: OverlayManifest } | undefined;

/** A copy whose node map can be changed without touching the one remembered (the records themselves are replaced, never changed). */
const copied = (manifest: OverlayManifest): OverlayManifest => ({ ...manifest, nodes: { ...manifest.nodes } });

/** The manifest; an empty one when there is none or it is damaged (every archive is then built again). */
export async function readManifest(paths: Paths): Promise<OverlayManifest> {
  const file = overlayManifestFile(paths);
  const text = await readTextIfExists(file);
  if (text === undefined) return { nodes: {} };
  if (known?.file === file && known.text === text) return copied(known.manifest);
  const parsed = parseJson(text);
  if (typeof parsed !== 'object' || parsed === null) return { nodes: {} };
  const { nodes, inventorySha256, sources, context } = parsed as Record<string, unknown>;
  const failed = failedEntries((parsed as Record<string, unknown>).failed);
  const manifest: OverlayManifest = {
    ...(failed ? { failed } : {}),
    nodes: archiveEntries(nodes, true),
    ...(typeof inventorySha256 === 'string' ? { inventorySha256 } : {}),
    ...(typeof sources === 'string' ? { sources } : {}),
    ...(typeof context === 'string' ? { context } : {}),
  };
  known = { file, text, manifest: copied(manifest) };
  return manifest;
}

/**
 * The build's inputs (`inventorySha256`, `sources`) of a manifest's `text`,
 * read from its head without parsing the node records: the start-of-command
 * check of every command needs only these (see manifestText below). Undefined
 * when the head does not hold them (an earlier layout, an edit): read the
 * whole manifest then.
 */
export function manifestHead(text: string): Pick<OverlayManifest, 'inventorySha256' | 'sources'> | undefined {
  const end = text.indexOf(',"nodes":');
  if (!text.startsWith('{"inventorySha256":') || end < 0 || !text.endsWith('}\n')) return undefined;
  const head = parseJson(`${text.slice(0, end)}}`) as Record<string, unknown>;
  const { inventorySha256, sources } = head;
  return typeof inventorySha256 === 'string' && (sources === undefined || typeof sources === 'string')
    ? { inventorySha256, ...(typeof sources === 'string' ? { sources } : {}) } : undefined;
}

/** A manifest as written: the build's inputs first, so that {@link manifestHead} finds them without reading 10,000 records. */
function manifestText(manifest: OverlayManifest): string {
  return `${JSON.stringify({ inventorySha256: manifest.inventorySha256, sources: manifest.sources, context: manifest.context, failed: manifest.failed, nodes: manifest.nodes })}\n`;
}

/** Replaces the manifest atomically (mode 0600: it names addresses, and nothing else needs it). */
export async function writeManifest(paths: Paths, manifest: OverlayManifest): Promise<void> {
  const file = overlayManifestFile(paths);
  const text = manifestText(manifest);
  await writeFileAtomic(file, text, 0o600);
  // Remembered as a read of this text would give it: the same check of names and addresses, no parsing. Records
  // carried over from the manifest this process read were checked then (10,000 of them: not checked again).
  const read = known?.file === file ? known.manifest.nodes : {};
  const nodes: Record<string, PublishedArchive> = {};
  for (const [node, record] of Object.entries(manifest.nodes)) {
    const checked = Object.hasOwn(read, node) && read[node] === record ? record : archiveEntries({ [node]: record }, true)[node];
    if (checked) nodes[node] = checked;
  }
  known = { file, text, manifest: { ...manifest, nodes } };
}

/** The intent of a killed build, or undefined when no build was interrupted. */
export async function readIntent(paths: Paths): Promise<OverlayIntent | undefined> {
  const parsed = await readJson(overlayIntentFile(paths));
  if (parsed === undefined) return undefined;
  return archiveEntries((parsed as { nodes?: unknown }).nodes, false);
}

/** Records the intent before any archive is replaced. */
export async function writeIntent(paths: Paths, intent: OverlayIntent): Promise<void> {
  await writeFileAtomic(overlayIntentFile(paths), `${JSON.stringify({ nodes: intent })}\n`, 0o600);
}

/** Removes the intent once the manifest records the build. */
export async function clearIntent(paths: Paths): Promise<void> {
  await rm(overlayIntentFile(paths), { force: true });
}

/** Nodes whose archive is recorded as published (their node scripts load it). */
export async function publishedOverlayNodes(paths: Paths): Promise<ReadonlySet<string>> {
  return new Set(Object.keys((await readManifest(paths)).nodes));
}
