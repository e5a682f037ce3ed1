/**
 * What one overlay build must render and write (overlay-build.ts): the nodes
 * that get an archive, which of them a build may skip because their recorded
 * inputs still hold, and whether an archive on disk still holds the bytes a
 * render gives (`overlay build` checks, so that an archive changed or
 * swapped by hand is written again).
 */
import { lstatSync, readFileSync } from 'node:fs';
import { NotFoundError } from '../../errors/index.js';
import type { Paths } from '../../core/paths.js';
import { changedProfiles, effectiveNode, effectiveValue, untouched } from '../../core/nodes/effective.js';
import type { NodeEntry } from '../../core/nodes/attributes.js';
import type { InventoryDocument } from '../../core/nodes/inventory-file.js';
import { inventoryHash } from '../../core/nodes/inventory-cache.js';
import { expandNodeNames, foldNodes, isNodeName } from '../../nodeset/index.js';
import { overlayArchivePath } from '../boot-paths.js';
import type { OverlayManifest } from './overlay-state.js';

/** Nodes that get an overlay: every valid node name with an effective image (the nodes that have a node script). */
export function bootingNodes(document: InventoryDocument): string[] {
  return Object.keys(document.nodes).filter((node) => effectiveValue(document.nodes[node] as NodeEntry, document.profiles, 'image') !== undefined && isNodeName(node));
}

/**
 * The nodes of `nodeSet` (all of `all` when undefined).
 * @throws NotFoundError E_NODE_NOT_FOUND naming the nodes of the set that boot no image.
 */
export function selectNodes(all: readonly string[], nodeSet: string | undefined): string[] {
  if (nodeSet === undefined) return [...all];
  const wanted = expandNodeNames(nodeSet);
  const known = new Set(all);
  const missing = wanted.filter((node) => !known.has(node));
  if (missing.length > 0) {
    throw new NotFoundError('E_NODE_NOT_FOUND', `${foldNodes(missing)} not in the inventory or booting no image`,
      'see `disklessset boot list`: only nodes booting an image get an overlay');
  }
  return wanted;
}

/** The registered address (inventory `ip`, profiles applied) of `node`, when it has one. */
export function addressOf(document: InventoryDocument, node: string): string | undefined {
  const entry = document.nodes[node] as NodeEntry;
  return effectiveNode(node, entry, document.profiles).attributes.ip;
}

/** Whether two records hold the same node names (10,000 names: no sorting). */
export function sameKeys(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const names = Object.keys(a);
  return names.length === Object.keys(b).length && names.every((name) => Object.hasOwn(b, name));
}

/** What {@link followsLastBuild} compares: the inventory text the change replaced, and this build's sources and context digests. */
export interface FollowCheck {
  previousText?: string;
  sources: string | undefined;
  context: string | undefined;
  killed: boolean;
}

/**
 * Whether the build follows a change of the inventory the last complete
 * build was made from: same nodes.yml hash, same overlay sources, same
 * context digest, no killed build. The manifest then describes what is
 * served: see {@link recordedInputs}.
 */
export function followsLastBuild(manifest: OverlayManifest, check: FollowCheck): boolean {
  return check.previousText !== undefined && !check.killed && check.context !== undefined && manifest.context === check.context &&
    manifest.sources === check.sources && manifest.inventorySha256 === inventoryHash(check.previousText);
}

/**
 * Inputs digests taken from the manifest instead of computed: when the build
 * {@link followsLastBuild}, a node whose entry and profiles the change left
 * alone (from `previous` to `document`) has the inputs recorded for it
 * (OverlayRenderer.contextDigest). Empty otherwise.
 */
export function recordedInputs(manifest: OverlayManifest, document: InventoryDocument, previous: InventoryDocument | undefined, follows: boolean): Map<string, string> {
  const recorded = new Map<string, string>();
  if (!follows || !previous) return recorded;
  const profiles = changedProfiles(previous.profiles, document.profiles);
  for (const node of Object.keys(manifest.nodes)) {
    const inputs = manifest.nodes[node]?.inputs;
    const entry = Object.hasOwn(document.nodes, node) ? document.nodes[node] : undefined;
    if (inputs !== undefined && entry !== undefined && untouched(node, previous.nodes, entry, profiles)) recorded.set(node, inputs);
  }
  return recorded;
}

/**
 * Whether the served archive of `node` (a valid node name) is a regular file
 * holding exactly `bytes`. Anything else there (a link, a folder, a pipe) is
 * not read and counts as different, so the build replaces it by rename.
 */
export function archiveHolds(paths: Paths, node: string, bytes: Uint8Array): boolean {
  const file = overlayArchivePath(paths, node);
  const stats = lstatSync(file, { throwIfNoEntry: false });
  if (!stats?.isFile() || stats.size !== bytes.length) return false;
  return readFileSync(file).equals(bytes);
}
