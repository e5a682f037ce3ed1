/**
 * STUB of branch ov-deliver: the shapes agreed with branch ov-core (which owns
 * this folder); ov-core's file, with the same shapes, replaces this one at merge.
 */

/** One entry of a node's overlay, as it will appear in the node's root file system. */
export interface OverlayEntry {
  /** Absolute, normalised path inside the node's root, e.g. '/etc/hostname' (no '..', no '//'). */
  path: string;
  kind: 'file' | 'dir' | 'symlink';
  /** Permission bits (0o7777 range). */
  mode: number;
  uid: number;
  gid: number;
  /** Content of a file (kind 'file'). */
  data?: Buffer;
  /** Target of a symlink (kind 'symlink'). */
  target?: string;
  /** True when the entry holds a secret (SSH host private keys): never printed, listed or logged. */
  secret: boolean;
}

/** Everything one node receives at boot, sorted by path (parents before children). */
export interface RenderedOverlay {
  node: string;
  entries: OverlayEntry[];
  /** True when any entry is secret. */
  secret: boolean;
  /**
   * SHA-256 hex over the node's inputs (effective attributes, overlay sources, image, inventory parts used,
   * key files) — equal inputs give an equal digest, so a publisher can skip unchanged nodes.
   */
  inputDigest: string;
}

/** What the delivery side needs from rendering. */
export interface OverlayRenderer {
  /** Renders one node; throws a UsageError E_OVERLAY_TEMPLATE naming overlay, file and line on template errors. */
  renderNode(node: string): Promise<RenderedOverlay>;
  /** Renders many nodes, sharing parsed templates and the inventory (used for full rebuilds of 10,000 nodes). */
  renderNodes(nodes: readonly string[]): Promise<RenderedOverlay[]>;
}
