/**
 * The inventory rule of overlays: a change may only give nodes and profiles
 * overlays that exist. Only the lists the change touched are checked, so an
 * overlay folder removed by hand does not block unrelated changes (its nodes
 * fail at render, naming it).
 */
import type { InventoryDocument } from '../nodes/inventory-file.js';
import type { InventoryGuard } from '../nodes/inventory-store.js';
import type { OverlayService } from './overlay-service.js';

function changedLists(previous: Record<string, { overlays?: string[] }>, next: Record<string, { overlays?: string[] }>, into: Set<string>): void {
  for (const name of Object.keys(next)) {
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
