/**
 * What rendering gives the delivery side (src/boot/overlays/): the shapes of
 * the contract between the two halves (see docs/overlays.md). Kept in their
 * own file so the delivery side depends on nothing else of core/overlays.
 */
import type { InventoryDocument } from '../nodes/inventory-file.js';

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

/** Told about a node left out of a render (see {@link OverlayRenderer.renderNodes}); `error` is a UsageError. */
export type RenderFailureHandler = (node: string, error: Error & { code: string }) => void;

/** What the delivery side needs from rendering. */
export interface OverlayRenderer {
  /** Renders one node; throws a UsageError E_OVERLAY_TEMPLATE naming overlay, file and line on template errors. */
  renderNode(node: string): Promise<RenderedOverlay>;
  /**
   * Renders many nodes, sharing parsed templates and the inventory (used for full rebuilds of 10,000 nodes).
   * With `onFailure`, a node whose overlays cannot be rendered (a UsageError: template, path, overlay.yml,
   * network variables, unknown overlay) is handed to it and left out of the result instead of stopping the
   * render, so one node's problem does not hold the other nodes back.
   *
   * `document` is the inventory to render from: a build under the inventory
   * lock passes the one it holds (10,000 nodes read again cost tens of
   * milliseconds); without it the inventory is read.
   */
  renderNodes(nodes: readonly string[], onFailure?: RenderFailureHandler, document?: InventoryDocument): Promise<RenderedOverlay[]>;
  /**
   * Per node, a digest of everything rendering it reads (its effective
   * attributes, the image, the server, the digest of each of its overlays'
   * sources and, for nodes whose overlays read `inventory`, the inventory's
   * readable part), computed without rendering: a node whose digest is the one
   * recorded for its published archive renders the same and is skipped.
   * Nodes whose render reads something else (SSH host keys) or cannot be
   * described (an unknown overlay) have no digest and are always rendered.
   * Optional: a renderer without it renders every node. `document` as for renderNodes.
   */
  inputDigests?(nodes: readonly string[], document?: InventoryDocument): Promise<Map<string, string>>;
  /**
   * Digest of the inputs all nodes' digests share (the server, every
   * overlay's sources, the inventory's readable part when an overlay reads
   * it). When it is the one recorded at the last full build, a node whose
   * effective attributes did not change keeps the inputs digest recorded for
   * it, without computing it: a one-node change digests one node, not 10,000.
   * Optional, with inputDigests.
   */
  contextDigest?(document: InventoryDocument): Promise<string>;
}
