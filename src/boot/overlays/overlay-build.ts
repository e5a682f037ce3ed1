/**
 * One overlay build: render, then publish, in an order a kill cannot break.
 *
 * 1. Every node of the set is rendered and encoded first: a template error
 *    (UsageError E_OVERLAY_TEMPLATE) or a bad entry stops the build before
 *    anything is written, so a refused build publishes nothing.
 * 2. Nodes whose rendering inputs (OverlayRenderer.inputDigests) are those
 *    recorded for their served archive are not rendered at all; of the
 *    others, those whose output digest equals the recorded one are not
 *    written: a one-node change renders and writes one archive (all of them
 *    when that node's name or address changed and they read `inventory`).
 * 3. The intent is recorded (which archives change, their secret flag and
 *    address), then the changed archives are published (archive-files.ts:
 *    each renamed over the served one; unchanged ones not touched).
 * 4. The manifest is replaced; the caller then publishes the node scripts
 *    again when the set of nodes with an archive changed; the archives of
 *    nodes gone (or booting no image) are deleted, and only then is the
 *    intent removed. A kill anywhere before leaves the intent, and the next
 *    command's repair runs the build again (unchanged archives skipped).
 *
 * Callers hold the inventory lock: node scripts, archives and the manifest
 * change together.
 */
import type { Paths } from '../../core/paths.js';
import type { OverlayRenderer, RenderedOverlay, RenderFailureHandler } from '../../core/overlays/rendered.js';
import type { InventoryDocument } from '../../core/nodes/inventory-file.js';
import { inventoryHash } from '../../core/nodes/inventory-cache.js';
import { foldNodes } from '../../nodeset/index.js';
import { archivedNodes, publishArchives, removeArchives, servedArchives, type ArchiveWrite } from './archive-files.js';
import { addressOf, archiveHolds, bootingNodes, followsLastBuild, recordedInputs, sameKeys, selectNodes } from './build-selection.js';
import { overlayArchive } from './newc-archive.js';
import { overlaySourcesFingerprint } from './overlay-sources.js';
import { clearIntent, readIntent, readManifest, writeIntent, writeManifest, type OverlayManifest, type PublishedArchive } from './overlay-state.js';

/** What a build did. */
export interface OverlayBuildResult {
  /** Nodes rendered (folded node set; '' for none, or when the build was told not to fold them: BuildInput.foldSelected) and their count. */
  nodes: string;
  nodeCount: number;
  /** Archives written (their input changed, or they were missing). */
  written: number;
  /** Archives left as they were (same input digest). */
  unchanged: number;
  /** Archives deleted (their node is gone or boots no image). */
  removed: number;
  /** Nodes whose archive holds secrets but that have no registered address: served to any address (folded; '' for none). */
  openSecrets: string;
  /** The set of nodes with an archive changed: node scripts must be published again. */
  scriptsChanged: boolean;
}

/** What a build reads: the inventory as committed (document and text). */
export interface BuildInput {
  document: InventoryDocument;
  text: string;
  /** Nodes to render (a node set); all nodes booting an image when omitted. */
  nodeSet?: string;
  /**
   * Told about each node whose overlays cannot be rendered; that node keeps
   * its published archive (or gets none) and the others are built. Without
   * it, such a node stops the build before anything is written.
   */
  onFailure?: RenderFailureHandler;
  /** false: the result's `nodes` is left '' (a build following a change shows no node list, and folding 10,000 names costs tens of milliseconds). */
  foldSelected?: boolean;
  /** The config's `server_address` (null: unset), part of the recorded sources fingerprint (overlay-sources.ts). */
  serverAddress: string | null;
  /** The inventory `document` replaced, when the build follows a committed change: see build-selection.ts `recordedInputs`. */
  previous?: { document: InventoryDocument; text: string };
  /**
   * `overlay build`: every node of the set is rendered, whatever its
   * recorded inputs, and its archive written unless the file served holds
   * the very bytes rendered; so an archive changed on disk, and a record
   * edited by hand (its secret flag, its address), are made right again.
   */
  verify?: boolean;
}

/**
 * The manifest's `failed` record after a build: the last one's, less the
 * nodes this build rendered (`considered`) or that are gone, plus this
 * build's `problems`; undefined when empty.
 */
function failedNodes(last: Readonly<Record<string, string>> | undefined, considered: readonly string[], all: ReadonlySet<string>, problems: ReadonlyMap<string, string>): Record<string, string> | undefined {
  const failed: Record<string, string> = { ...last };
  for (const node of considered) delete failed[node];
  for (const node of Object.keys(failed)) if (!all.has(node)) delete failed[node];
  for (const [node, problem] of problems) failed[node] = problem;
  return Object.keys(failed).length === 0 ? undefined : failed;
}

/**
 * Runs one build (see the module comment) and returns what it did; `onPublished`
 * runs after the manifest is written and before the intent is removed (the
 * node scripts' refresh).
 * @throws UsageError E_OVERLAY_TEMPLATE (from the renderer), OperationError
 *   E_OVERLAY_ENTRY_INVALID, NotFoundError E_NODE_NOT_FOUND for a node of the
 *   set that boots no image: nothing written; OperationError E_NO_SPACE.
 */
export async function runOverlayBuild(paths: Paths, renderer: OverlayRenderer, input: BuildInput,
  onPublished: (scriptsChanged: boolean) => Promise<void>): Promise<OverlayBuildResult> {
  const all = bootingNodes(input.document);
  const selected = selectNodes(all, input.nodeSet);
  const full = input.nodeSet === undefined;
  const manifest = await readManifest(paths);
  const killed = await readIntent(paths);
  const failed: string[] = [];
  const problems = new Map<string, string>();
  const onFailure: RenderFailureHandler | undefined = input.onFailure && ((node, error) => {
    failed.push(node);
    problems.set(node, error.message.split('\n')[0] ?? '');
    input.onFailure?.(node, error);
  });
  const sources = full ? await overlaySourcesFingerprint(paths, input.serverAddress) : undefined;
  const context = selected.length === 0 || !renderer.inputDigests || !renderer.contextDigest ? undefined : await renderer.contextDigest(input.document);
  // A node whose rendering inputs are those of its published archive renders the same: not rendered again.
  const follows = followsLastBuild(manifest, { previousText: input.previous?.text, sources, context, killed: killed !== undefined });
  const inputs = recordedInputs(manifest, input.document, input.previous?.document, follows);
  // Following the last complete build, the archives served are those its manifest records: the folder (10,000 names, a few
  // hundredths of a second) is listed by the other builds, `overlay build` among them, which rewrite an archive deleted by hand.
  const trusted = follows && (await servedArchives(paths)).kind === 'generation';
  const onDisk = new Set(trusted ? Object.keys(manifest.nodes) : await archivedNodes(paths));
  // Nodes outside the set whose recorded archive is missing are built too: their node scripts load it.
  const selectedSet = new Set(selected);
  const lost = trusted ? [] : all.filter((node) => !selectedSet.has(node) && manifest.nodes[node] !== undefined && !onDisk.has(node));
  const considered = lost.length === 0 ? selected : [...selected, ...lost];
  const unknown = considered.filter((node) => !inputs.has(node));
  if (unknown.length > 0 && renderer.inputDigests) for (const [node, digest] of await renderer.inputDigests(unknown, input.document)) inputs.set(node, digest);
  const current = (node: string): boolean => {
    const old = manifest.nodes[node];
    return input.verify !== true && old?.inputs !== undefined && old.inputs === inputs.get(node) && onDisk.has(node) && !killed?.[node];
  };
  const toRender = considered.filter((node) => !current(node));
  const rendered: RenderedOverlay[] = toRender.length === 0 ? [] : await renderer.renderNodes(toRender, onFailure, input.document);

  // The records of the manifest read, those of nodes that no longer boot taken out (copied whole: 10,000 records, mostly kept).
  const next: OverlayManifest = { nodes: { ...manifest.nodes } };
  const allSet = new Set(all);
  for (const node of Object.keys(next.nodes)) if (!allSet.has(node)) delete next.nodes[node];
  const writes: ArchiveWrite[] = [];
  for (const overlay of rendered) {
    const ip = addressOf(input.document, overlay.node);
    const digest = inputs.get(overlay.node);
    const record: PublishedArchive = { digest: overlay.inputDigest, ...(digest ? { inputs: digest } : {}), secret: overlay.secret, ...(ip ? { ip } : {}) };
    const old = manifest.nodes[overlay.node];
    // A killed build may have replaced the archive already: rewritten, since its manifest entry may be the old one.
    if (!old || old.digest !== overlay.inputDigest || !onDisk.has(overlay.node) || killed?.[overlay.node]) {
      writes.push({ node: overlay.node, bytes: overlayArchive(overlay.node, overlay.entries) });
    } else if (input.verify === true) {
      const bytes = overlayArchive(overlay.node, overlay.entries);
      if (!archiveHolds(paths, overlay.node, bytes)) writes.push({ node: overlay.node, bytes });
    }
    next.nodes[overlay.node] = record;
  }
  // A node that failed keeps its archive and record, unless it has no whole pair of them, or a killed build may have replaced its archive already.
  const dropped = new Set(failed.filter((node) => !manifest.nodes[node] || !onDisk.has(node) || killed?.[node]));
  for (const node of dropped) delete next.nodes[node];
  // A node kept so has no inputs digest any more: its recorded one is that of its archive, not of the inventory and
  // context this build records, so a later build following a change that leaves it alone must render it again (and
  // say again that it cannot), not take the recorded digest as current.
  for (const node of failed) {
    const kept = next.nodes[node];
    if (kept?.inputs !== undefined) {
      const { inputs: _inputs, ...rest } = kept;
      next.nodes[node] = rest;
    }
  }
  next.failed = failedNodes(manifest.failed, considered, allSet, problems);
  const unwanted = (node: string): boolean => !allSet.has(node) || dropped.has(node);
  const removals = [...onDisk].filter(unwanted);
  for (const node of Object.keys(manifest.nodes)) if (!onDisk.has(node) && unwanted(node)) removals.push(node);
  if (full) {
    next.inventorySha256 = inventoryHash(input.text);
    next.sources = sources;
    if (context !== undefined) next.context = context;
  } else {
    // A partial build leaves the record of the last full one: the repair still sees what it has not followed.
    if (manifest.inventorySha256 !== undefined) next.inventorySha256 = manifest.inventorySha256;
    if (manifest.sources !== undefined) next.sources = manifest.sources;
    // Its records were made under its own context: the last full build's stands only if it is the same.
    if (context !== undefined && manifest.context === context) next.context = context;
  }
  const scriptsChanged = !sameKeys(manifest.nodes, next.nodes);
  const intent = Object.fromEntries(writes.map((write) => [write.node, { secret: next.nodes[write.node]?.secret ?? true, ...(next.nodes[write.node]?.ip ? { ip: next.nodes[write.node]?.ip } : {}) }]));
  const changes = writes.length > 0 || removals.length > 0 || scriptsChanged || killed !== undefined;
  if (changes) await writeIntent(paths, { ...killed, ...intent });
  const gone = removals.filter((node) => onDisk.has(node));
  if (writes.length > 0 || gone.length > 0) {
    const written = new Set(writes.map((write) => write.node));
    const kept = async () => (trusted ? await archivedNodes(paths) : [...onDisk]).filter((node) => allSet.has(node) && !written.has(node));
    await publishArchives(paths, writes, kept);
  }
  await writeManifest(paths, next);
  await onPublished(scriptsChanged || killed !== undefined);
  // Only now that no script loads them (a kill before this: the intent makes the next command remove them).
  await removeArchives(paths, gone);
  if (changes) await clearIntent(paths);
  const open = selected.filter((node) => next.nodes[node]?.secret === true && !next.nodes[node]?.ip);
  return {
    nodes: selected.length === 0 || input.foldSelected === false ? '' : foldNodes(selected),
    nodeCount: selected.length,
    written: writes.length,
    unchanged: considered.length - toRender.length + rendered.length - writes.length,
    removed: removals.length,
    openSecrets: open.length === 0 ? '' : foldNodes(open),
    scriptsChanged,
  };
}
