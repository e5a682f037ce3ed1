/**
 * The state file of what each node fetched at its last boot
 * (`Paths.nodeBootsFile`, JSON). Written only by `serve` (see recorder.ts),
 * read by `node status`. Everything in it came from the network: it is
 * checked on load, entries that do not pass are dropped, and no path is
 * ever taken from it (stages.ts rebuilds paths from names).
 */
import { readTextIfExists, writeFileAtomic } from '../../core/state/atomic-file.js';
import { isNodeName } from '../../nodeset/index.js';
import { STAGES, type Stage } from './stages.js';

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

const isText = (value: unknown, max = 4096): value is string => typeof value === 'string' && value.length <= max;

function checkFile(raw: unknown): FetchedFile | undefined {
  const file = raw as Partial<FetchedFile> | null;
  if (!file || !isText(file.path) || !isText(file.etag, 256) || !isText(file.at, 64)) return undefined;
  return { path: file.path, etag: file.etag, at: file.at };
}

function checkRecord(raw: unknown): NodeBootRecord | undefined {
  const record = raw as Partial<NodeBootRecord> | null;
  if (!record || !isText(record.lastSeen, 64) || !isText(record.address, 64)) return undefined;
  const stages: Partial<Record<Stage, FetchedFile>> = {};
  for (const stage of STAGES) {
    const file = checkFile((record.stages as Record<string, unknown> | undefined)?.[stage]);
    if (file) stages[stage] = file;
  }
  return { lastSeen: record.lastSeen, address: record.address, ...(isText(record.mac, 64) ? { mac: record.mac } : {}), stages };
}

/**
 * Parses the file's text; what does not have the expected shape is dropped,
 * never trusted. Text that is not a JSON object at all (a damaged file) reads
 * as empty records, and `onDamaged` hears why.
 */
export function parseRecords(text: string, onDamaged?: (problem: string) => void): BootRecords {
  const records = emptyRecords();
  let raw: Partial<BootRecords> | null;
  try {
    raw = JSON.parse(text) as Partial<BootRecords> | null;
  } catch (error) {
    onDamaged?.(`not valid JSON (${(error as Error).message.split('\n')[0]})`);
    return records;
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    onDamaged?.('not a JSON object');
    return records;
  }
  for (const [name, value] of Object.entries(raw?.nodes ?? {})) {
    const record = isNodeName(name) ? checkRecord(value) : undefined;
    if (record) records.nodes[name] = record;
  }
  const count = raw?.unknown?.count;
  records.unknown.count = Number.isSafeInteger(count) && (count as number) >= 0 ? count as number : 0;
  records.unknown.recent = (Array.isArray(raw?.unknown?.recent) ? raw.unknown.recent : []).slice(-MAX_UNKNOWN_KEPT).flatMap((entry: Partial<UnknownRequest>) => (
    entry && isText(entry.name, 64) && isText(entry.address, 64) && isText(entry.path) && isText(entry.at, 64)
      ? [{ name: entry.name, address: entry.address, path: entry.path, at: entry.at, ...(isText(entry.mac, 64) ? { mac: entry.mac } : {}),
        ...(isText(entry.registeredAddress, 64) ? { registeredAddress: entry.registeredAddress } : {}) }]
      : []));
  return records;
}

/**
 * Node → time of its last request, from the state file's text: what `node
 * list` shows, without checking and copying every stage of every record.
 * A node is kept under the same condition {@link parseRecords} keeps its
 * record (valid name, `lastSeen` and `address` texts), so both agree; a damaged
 * file reads as no node seen and `onDamaged` hears why.
 */
export function parseLastSeen(text: string, onDamaged?: (problem: string) => void): Map<string, string> {
  const seen = new Map<string, string>();
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    onDamaged?.(`not valid JSON (${(error as Error).message.split('\n')[0]})`);
    return seen;
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    onDamaged?.('not a JSON object');
    return seen;
  }
  const nodes = (raw as { nodes?: unknown }).nodes;
  if (typeof nodes !== 'object' || nodes === null) return seen;
  for (const [name, value] of Object.entries(nodes)) {
    const record = value as Partial<NodeBootRecord> | null;
    if (record && isText(record.lastSeen, 64) && isText(record.address, 64) && isNodeName(name)) seen.set(name, record.lastSeen);
  }
  return seen;
}

function damagedLine(file: string, problem: string): string {
  return `${file} is damaged (${problem}): read as if no node had booted; \`disklessset serve\` rewrites it at the next boot request`;
}

/** {@link parseLastSeen} of the state file (empty when it does not exist yet); `onDamaged` gets one line naming the file. */
export async function readLastSeen(file: string, onDamaged?: (line: string) => void): Promise<Map<string, string>> {
  const text = await readTextIfExists(file);
  if (text === undefined) return new Map();
  return parseLastSeen(text, onDamaged && ((problem) => onDamaged(damagedLine(file, problem))));
}

/**
 * Reads the state file (empty records when it does not exist yet). A damaged
 * file reads as empty records too (serve replaces it at its next write);
 * `onDamaged` gets one line naming the file, for commands that report it.
 */
export async function readRecords(file: string, onDamaged?: (line: string) => void): Promise<BootRecords> {
  const text = await readTextIfExists(file);
  if (text === undefined) return emptyRecords();
  return parseRecords(text, onDamaged && ((problem) => onDamaged(damagedLine(file, problem))));
}

/** Replaces the state file atomically (temp, fsync, rename): a kill leaves the old or the new content. */
export async function writeRecords(file: string, records: BootRecords): Promise<void> {
  await writeFileAtomic(file, `${JSON.stringify(records)}\n`, 0o644);
}

/** What a recorder learnt since its last flush. */
export interface RecordChanges {
  /** Nodes whose record changed. */
  nodes: Record<string, NodeBootRecord>;
  /** Unknown requests seen (only the latest {@link MAX_UNKNOWN_KEPT} are kept) and how many there were. */
  unknown: UnknownRequest[];
  unknownCount: number;
}

/**
 * `records` (the file's content) with `changes` applied: per node, the record
 * seen last wins, so two servers sharing one state folder do not erase each
 * other's nodes. Mutates and returns `records`.
 */
export function applyChanges(records: BootRecords, changes: RecordChanges): BootRecords {
  for (const [name, record] of Object.entries(changes.nodes)) {
    const other = records.nodes[name];
    if (!other || other.lastSeen <= record.lastSeen) records.nodes[name] = record;
  }
  records.unknown.count += changes.unknownCount;
  records.unknown.recent = [...records.unknown.recent, ...changes.unknown].slice(-MAX_UNKNOWN_KEPT);
  return records;
}
