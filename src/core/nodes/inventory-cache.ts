/**
 * A JSON copy of the parsed inventory, `nodes.yml.cache.json` beside it, so
 * that reading 10,000 nodes does not parse YAML each time (the `yaml` package
 * takes seconds for that; JSON.parse milliseconds). nodes.yml stays the one
 * source of truth: the copy records the SHA-256 of the exact text it was made
 * from and is used only when that hash matches the file read now, so a hand
 * edit (or a copy left by a killed write) is never used. The same hash is what
 * the boot layer compares to see that nodes.yml changed by hand.
 *
 * The copy is also trusted as checked: a change keeps the entries it leaves
 * alone as they are in it, and copies their text from nodes.yml when the copy
 * says the tool wrote that text (inventory-store.ts). So the copy carries the
 * SHA-256 of its own body as well, in a first line of its own: a copy edited
 * by hand (a value, the `written` mark) or cut short no longer matches and is
 * not used; nodes.yml is parsed and checked instead.
 */
import { createHash } from 'node:crypto';
import { readTextIfExists, writeFileAtomic } from '../state/atomic-file.js';
import { isNodeName } from '../../nodeset/index.js';
import { validateProfileName, validateServerName } from '../names.js';
import type { NodeEntry, ProfileEntry } from './attributes.js';
import { emptyInventory, type InventoryDocument } from './inventory-file.js';
import { checkServerEntry, type ServerEntry } from './servers.js';

// Raised when the checked form of the values changes (2: IP addresses canonical; 3: the body's own digest), so a copy made by an older version is parsed again.
const CACHE_FORMAT = 3;

/** The cache's first line: its format, the hash of the nodes.yml text it was made from, and the hash of the body below it. */
interface CacheHead {
  format?: unknown;
  sha256?: unknown;
  body?: unknown;
}

/** The cache's body (the second line). */
interface CacheBody {
  written?: unknown;
  profiles?: Record<string, ProfileEntry>;
  nodes?: Record<string, NodeEntry>;
  servers?: Record<string, unknown>;
}

const digestOf = (text: string): string => createHash('sha256').update(text).digest('hex');

/** The last text hashed and its hash: one command hashes the same nodes.yml text four or five times (650 kB at 10,000 nodes). */
let last: { text: string; hash: string } | undefined;

/** SHA-256 (hex) of an inventory's text: what the cache and the published generation record. */
export function inventoryHash(text: string): string {
  if (last?.text !== text) last = { text, hash: createHash('sha256').update(text).digest('hex') };
  return last.hash;
}

/** The cache file of inventory `file`. */
export function cacheFileOf(file: string): string {
  return `${file}.cache.json`;
}

/** An inventory read from the cache, and whether its text is one this tool wrote (see {@link writeInventoryCache}). */
export interface CachedInventory {
  document: InventoryDocument;
  written: boolean;
}

/**
 * The inventory from the cache of `file` when it was made from text of hash
 * `hash`; undefined otherwise (missing, other hash, unreadable). Names become
 * file names later, so every one is checked again.
 */
export async function readCachedInventory(file: string, hash: string): Promise<CachedInventory | undefined> {
  const text = await readTextIfExists(cacheFileOf(file)).catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    const end = text.indexOf('\n');
    if (end < 0) return undefined;
    const head = JSON.parse(text.slice(0, end)) as CacheHead;
    const bodyText = text.slice(end + 1);
    if (head.format !== CACHE_FORMAT || head.sha256 !== hash || head.body !== digestOf(bodyText)) return undefined;
    const parsed = JSON.parse(bodyText) as CacheBody;
    if (typeof parsed.nodes !== 'object' || parsed.nodes === null || typeof parsed.profiles !== 'object' || parsed.profiles === null) return undefined;
    const document = emptyInventory();
    for (const name of Object.keys(parsed.profiles)) {
      validateProfileName(name);
      document.profiles[name] = parsed.profiles[name] as ProfileEntry;
    }
    for (const name of Object.keys(parsed.nodes)) {
      if (!isNodeName(name)) return undefined;
      document.nodes[name] = parsed.nodes[name] as NodeEntry;
    }
    // Server URLs end up in boot scripts: checked again like the names.
    if (parsed.servers !== undefined) {
      document.servers = Object.create(null) as Record<string, ServerEntry>;
      for (const name of Object.keys(parsed.servers)) document.servers[validateServerName(name)] = checkServerEntry(parsed.servers[name], `server ${name}`);
    }
    return { document, written: parsed.written === true };
  } catch {
    // Unreadable or holding a bad name: the YAML is parsed instead.
    return undefined;
  }
}

/**
 * Replaces the cache of `file` with `document`, made from text of hash `hash`
 * (no fsync: a lost cache is rebuilt from nodes.yml). `written`: that text is
 * the tool's own writing of `document` (inventory-file.ts formatInventory),
 * not a file a person edited, so its node blocks can be reused as they are
 * by the next write (inventory-blocks.ts).
 */
export async function writeInventoryCache(file: string, hash: string, document: InventoryDocument, written = false): Promise<void> {
  const body = JSON.stringify({ ...(written ? { written } : {}), profiles: document.profiles, nodes: document.nodes, ...(document.servers ? { servers: document.servers } : {}) });
  await writeFileAtomic(cacheFileOf(file), `${JSON.stringify({ format: CACHE_FORMAT, sha256: hash, body: digestOf(body) })}\n${body}`, 0o644, { sync: false });
}
