/**
 * The inventory rules of overlays:
 * - a change may only give nodes and profiles overlays that exist. Only the
 *   lists the change touched are checked, so an overlay folder removed by
 *   hand does not block unrelated changes (its nodes fail at render, naming it);
 * - a change may not leave a node booting an image whose own overlays cannot
 *   be rendered (a template printing a variable the node lacks, a bad
 *   network variable...). Only the nodes whose effective attributes the
 *   change touched are rendered, against the inventory as it would be
 *   written; a node that fails only because another node changed (a
 *   template looping over the inventory) is left to the publication, which
 *   keeps that node's archive and warns (src/boot/overlays/delivery.ts).
 */
import { isNodeName } from '../../nodeset/index.js';
import { changedProfiles, effectiveNode, untouched } from '../nodes/effective.js';
import type { NodeEntry } from '../nodes/attributes.js';
import type { InventoryDocument } from '../nodes/inventory-file.js';
import type { InventoryGuard } from '../nodes/inventory-store.js';
import type { OverlayService } from './overlay-service.js';

function changedLists(previous: Record<string, { overlays?: string[] }>, next: Record<string, { overlays?: string[] }>, into: Set<string>): void {
  for (const name of Object.keys(next)) {
    // The same entry object: left alone by the change (effective.ts shareUntouched).
    if (Object.hasOwn(previous, name) && previous[name] === next[name]) continue;
    const after = next[name]?.overlays;
    if (!after?.length) continue;
    const before = Object.hasOwn(previous, name) ? previous[name]?.overlays : undefined;
    if (before && before.length === after.length && before.every((overlay, index) => overlay === after[index])) continue;
    for (const overlay of after) into.add(overlay);
  }
}

/**
 * The guard refusing unknown overlay names (see the module comment).
 * @throws UsageError E_OVERLAY_UNKNOWN listing the known overlays.
 */
export function overlayNamesGuard(overlays: Pick<OverlayService, 'requireKnown'>): InventoryGuard {
  return async (previous: InventoryDocument, next: InventoryDocument) => {
    const named = new Set<string>();
    changedLists(previous.profiles, next.profiles, named);
    changedLists(previous.nodes, next.nodes, named);
    await overlays.requireKnown([...named]);
  };
}

/** Nodes of `next` that boot an image and whose effective attributes (profiles', own, profile list) differ from `previous`. */
export function changedBootingNodes(previous: InventoryDocument, next: InventoryDocument): string[] {
  const changed: string[] = [];
  const profiles = changedProfiles(previous.profiles, next.profiles);
  for (const [name, entry] of Object.entries(next.nodes)) {
    // Most nodes of a change are not touched by it: skipped without merging their attributes.
    if (untouched(name, previous.nodes, entry, profiles)) continue;
    const after = effectiveNode(name, entry as NodeEntry, next.profiles);
    if (after.attributes.image === undefined || !isNodeName(name)) continue;
    const before = Object.hasOwn(previous.nodes, name) ? effectiveNode(name, previous.nodes[name] as NodeEntry, previous.profiles) : undefined;
    if (before && JSON.stringify([before.profiles, before.attributes]) === JSON.stringify([after.profiles, after.attributes])) continue;
    changed.push(name);
  }
  return changed;
}

/**
 * The guard refusing a change after which a node it touched could not get
 * its overlays (see the module comment): nothing is written then.
 * @throws UsageError (E_OVERLAY_TEMPLATE, E_OVERLAY_PATH, E_OVERLAY_META, E_OVERLAY_NETWORK...) in one line naming the node, the overlay, the file and the problem.
 */
export function overlayRenderGuard(overlays: Pick<OverlayService, 'check'>): InventoryGuard {
  return async (previous: InventoryDocument, next: InventoryDocument) => {
    const nodes = changedBootingNodes(previous, next);
    if (nodes.length > 0) await overlays.check(next, nodes);
  };
}
