/**
 * What the overlay service offers the layers above (implemented in
 * overlay-service.ts): rendering plus the catalogue of overlays, and the
 * shapes of `overlay list` and `overlay show`.
 */
import type { InventoryDocument } from '../nodes/inventory-file.js';
import type { OverlayRenderer, RenderFailureHandler } from './rendered.js';
import type { SessionResult } from './render-session.js';
import type { HostKey } from './ssh-host-keys.js';

/** One line of `overlay list`. */
export interface OverlaySummary {
  name: string;
  origin: 'builtin' | 'site';
  /** A site overlay replacing the built-in one of the same name. */
  overridesBuiltin: boolean;
  generated: boolean;
  description: string | null;
  /** Files, folders and links of its tree (for a generated overlay: the paths it can give). */
  fileCount: number;
  /** Nodes whose effective overlay list holds it. */
  nodeCount: number;
}

/** One file of `overlay show`. */
export interface OverlayFileInfo {
  path: string;
  source: string | null;
  kind: 'file' | 'dir' | 'symlink';
  template: boolean;
  mode: string | null;
  uid: number | null;
  gid: number | null;
  size: number | null;
  target: string | null;
  secret: boolean;
}

/** `overlay show`. */
export interface OverlayDescription extends Omit<OverlaySummary, 'fileCount' | 'nodeCount'> {
  files: OverlayFileInfo[];
}

/** Rendering plus the catalogue of overlays (see the module comment). */
export interface OverlayService extends OverlayRenderer {
  /** Renders nodes, with the overlay that gave each entry (for `overlay render`); `onFailure` as for renderNodes. */
  renderWithOrigins(nodes: readonly string[], onFailure?: RenderFailureHandler): Promise<SessionResult[]>;
  /**
   * Renders `nodes` of `document` (an inventory not yet committed) and drops
   * the result: the check of a change before it is written. No host key is
   * made (placeholders stand in for the missing ones).
   * @throws UsageError (the renderer's code) naming the node, the overlay, the file and the problem in one line.
   */
  check(document: InventoryDocument, nodes: readonly string[]): Promise<void>;
  list(): Promise<OverlaySummary[]>;
  /** @throws UsageError E_OVERLAY_NAME, E_OVERLAY_UNKNOWN, and those of reading the tree. */
  show(name: string): Promise<OverlayDescription>;
  /** @throws UsageError E_OVERLAY_NAME, E_OVERLAY_UNKNOWN naming the known overlays. */
  requireKnown(names: readonly string[], where?: string): Promise<void>;
  /**
   * The SSH host keys of each of `nodes` (made now for those that have none yet), in the order given.
   * Every node is checked before any key is made.
   * @throws NotFoundError E_NODE_NOT_FOUND naming the nodes missing from the inventory;
   *   UsageError E_OVERLAY_NO_HOST_KEYS naming the nodes that do not get the ssh-host-keys overlay.
   */
  hostKeys(nodes: readonly string[]): Promise<Map<string, HostKey[]>>;
  /** Checks what {@link hostKeys} checks, without reading or making any key. */
  requireHostKeyNodes(nodes: readonly string[]): Promise<void>;
}
