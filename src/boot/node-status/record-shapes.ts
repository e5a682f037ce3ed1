/**
 * What `node-boots.json` holds, in memory (records-format.ts is its text).
 * Everything in it came from the network: checked on load, never used as a path.
 */
import type { Stage } from './stages.js';

/** One file a node fetched. */
export interface FetchedFile {
  /** URL path as asked (percent-encoded, without the query). */
  path: string;
  /** Strong ETag the server sent for it: the exact version served. */
  etag: string;
  /** ISO 8601 time the answer finished. */
  at: string;
}

/** What one node did at its last boot. */
export interface NodeBootRecord {
  /** ISO 8601 time of its last request. */
  lastSeen: string;
  /** Source IP address of that request. */
  address: string;
  /** MAC the node reported (`aa-bb-cc-dd-ee-ff`), when it did. */
  mac?: string;
  /** Last version fetched of each stage since the boot began (a new node script or boot file starts a boot). */
  stages: Partial<Record<Stage, FetchedFile>>;
}

/**
 * A request that named no inventory node, or named one from another address
 * than the node's registered one (bounded: only the latest few are kept).
 * Text that came from the request is stored with its control characters
 * escaped (`\x1b`): none reaches a terminal from here.
 */
export interface UnknownRequest {
  /** The name it gave (`''` when none; cut to 64 characters). */
  name: string;
  mac?: string;
  address: string;
  path: string;
  at: string;
  /** Set when the name (or MAC) is an inventory node's whose registered address (`ip`) is this one, not the request's. */
  registeredAddress?: string;
}

/** Content of the state file. */
export interface BootRecords {
  nodes: Record<string, NodeBootRecord>;
  /** Requests from unknown nodes: how many in all, and the latest ones. */
  unknown: { count: number; recent: UnknownRequest[] };
}

/** How many unknown requests are kept, newest last. */
export const MAX_UNKNOWN_KEPT = 50;

/** An empty record set. */
export function emptyRecords(): BootRecords {
  return { nodes: Object.create(null) as Record<string, NodeBootRecord>, unknown: { count: 0, recent: [] } };
}
