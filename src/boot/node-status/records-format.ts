/**
 * The text of `node-boots.json`, both formats:
 *
 * - format 2 (written): each fetched file version once, nodes refer to it by
 *   index. 10,000 nodes booting one image share one entry for its boot file,
 *   kernel, initramfs and root image, so the file is about a fifth of format
 *   1 and `node status` / `node list` parse a fifth of the text.
 *   `{"format": 2,
 *     "files": [[stage, urlPath, etag], ...],
 *     "nodes": {"c001": [lastSeen, address, mac or "", fileIndex, msBeforeLastSeen, ...]},
 *     "unknown": {"count": n, "recent": [...]}}`
 *   A file's fetch time is stored as whole milliseconds before `lastSeen` (a
 *   small integer, where an ISO text per file was most of format 1).
 * - format 1 (read only, what earlier versions wrote): `nodes` maps a name
 *   to `{lastSeen, address, mac?, stages: {stage: {path, etag, at}}}`. A
 *   server that finds it keeps every record and writes format 2 next time.
 *
 * Everything in the file came from the network: what does not have the
 * expected shape is dropped, never trusted.
 */
import { isNodeName } from '../../nodeset/index.js';
import { STAGES, type Stage } from './stages.js';
import { MAX_UNKNOWN_KEPT, emptyRecords, type BootRecords, type FetchedFile, type NodeBootRecord, type UnknownRequest } from './record-shapes.js';

/** The format {@link serializeRecords} writes. */
export const RECORDS_FORMAT = 2;

const STAGE_NAMES: ReadonlySet<string> = new Set(STAGES);
/** Largest time a Date holds (ms from the epoch either way). */
const MAX_TIME_MS = 8.64e15;
const isText = (value: unknown, max = 4096): value is string => typeof value === 'string' && value.length <= max;

/** A table entry: which stage, URL path and ETag (shared by every node that fetched that version). */
interface FileEntry { stage: Stage; path: string; etag: string }

function fileEntry(raw: unknown): FileEntry | undefined {
  if (!Array.isArray(raw)) return undefined;
  const [stage, path, etag] = raw as unknown[];
  return typeof stage === 'string' && STAGE_NAMES.has(stage) && isText(path) && isText(etag, 256) ? { stage: stage as Stage, path, etag } : undefined;
}

/** `000` to `999`. */
const MILLIS = Array.from({ length: 1000 }, (_, ms) => String(ms).padStart(3, '0'));

/**
 * ISO 8601 texts of times given in ms. A `Date` and its `toISOString` per
 * fetch was the largest cost of reading 10,000 boots: the text of each second
 * is made once (a boot storm spans few seconds) and the milliseconds added.
 */
class IsoTimes {
  private readonly seconds = new Map<number, string>();
  of(ms: number): string | undefined {
    // A second's start must be a Date too.
    if (!(Math.abs(ms) <= MAX_TIME_MS - 1000)) return undefined;
    const second = Math.floor(ms / 1000);
    let head = this.seconds.get(second);
    if (head === undefined) {
      // `2026-11-30T07:00:05.000Z` without its `000Z`.
      head = new Date(second * 1000).toISOString().slice(0, -4);
      this.seconds.set(second, head);
    }
    return `${head}${MILLIS[ms - second * 1000] as string}Z`;
  }
}

/** A format 2 node row, or undefined when its head (last seen, address) does not pass. */
function rowRecord(row: unknown, table: (FileEntry | undefined)[], times: IsoTimes): NodeBootRecord | undefined {
  if (!Array.isArray(row)) return undefined;
  const [lastSeen, address, mac] = row as unknown[];
  if (!isText(lastSeen, 64) || !isText(address, 64)) return undefined;
  const stages: Partial<Record<Stage, FetchedFile>> = {};
  const seenMs = Date.parse(lastSeen);
  for (let i = 3; i + 1 < row.length; i += 2) {
    const index: unknown = row[i];
    const before: unknown = row[i + 1];
    // An index is checked as an integer before use: a text such as "constructor" must not reach the table.
    const entry = Number.isSafeInteger(index) ? table[index as number] : undefined;
    const at = entry && Number.isSafeInteger(before) ? times.of(seenMs - (before as number)) : undefined;
    if (entry && at !== undefined) stages[entry.stage] = { path: entry.path, etag: entry.etag, at };
  }
  return { lastSeen, address, ...(isText(mac, 64) && mac !== '' ? { mac } : {}), stages };
}

/** A format 1 node record, or undefined when it does not pass. */
function objectRecord(raw: unknown): NodeBootRecord | undefined {
  const record = raw as Partial<NodeBootRecord> | null;
  if (!record || typeof record !== 'object' || !isText(record.lastSeen, 64) || !isText(record.address, 64)) return undefined;
  const stages: Partial<Record<Stage, FetchedFile>> = {};
  for (const stage of STAGES) {
    const file = (record.stages as Record<string, Partial<FetchedFile> | null> | undefined)?.[stage];
    if (file && isText(file.path) && isText(file.etag, 256) && isText(file.at, 64)) stages[stage] = { path: file.path, etag: file.etag, at: file.at };
  }
  return { lastSeen: record.lastSeen, address: record.address, ...(isText(record.mac, 64) ? { mac: record.mac } : {}), stages };
}

/** The parsed JSON object, or undefined (and `onDamaged` told why) when the text is not one. */
function parseObject(text: string, onDamaged?: (problem: string) => void): Record<string, unknown> | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    onDamaged?.(`not valid JSON (${(error as Error).message.split('\n')[0]})`);
    return undefined;
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    onDamaged?.('not a JSON object');
    return undefined;
  }
  return raw as Record<string, unknown>;
}

/**
 * The node entries of the file: all of them with a checked name, or only
 * those of `names` (names the caller checked: the inventory's), which spares
 * walking and checking 10,000 entries when the caller looks up its own.
 */
function nodesOf(raw: Record<string, unknown>, names?: Iterable<string>): [string, unknown][] {
  const nodes = raw.nodes;
  if (typeof nodes !== 'object' || nodes === null || Array.isArray(nodes)) return [];
  if (names === undefined) return Object.entries(nodes).filter(([name]) => isNodeName(name));
  const entries: [string, unknown][] = [];
  for (const name of names) if (Object.hasOwn(nodes, name)) entries.push([name, (nodes as Record<string, unknown>)[name]]);
  return entries;
}

function unknownRequests(raw: unknown): BootRecords['unknown'] {
  const unknown = raw as Partial<BootRecords['unknown']> | null | undefined;
  const count = unknown?.count;
  const recent = Array.isArray(unknown?.recent) ? unknown.recent.slice(-MAX_UNKNOWN_KEPT) : [];
  return {
    count: Number.isSafeInteger(count) && (count as number) >= 0 ? count as number : 0,
    recent: recent.flatMap((entry: Partial<UnknownRequest> | null) => (
      entry && isText(entry.name, 64) && isText(entry.address, 64) && isText(entry.path) && isText(entry.at, 64)
        ? [{ name: entry.name, address: entry.address, path: entry.path, at: entry.at, ...(isText(entry.mac, 64) ? { mac: entry.mac } : {}),
          ...(isText(entry.registeredAddress, 64) ? { registeredAddress: entry.registeredAddress } : {}) }]
        : [])),
  };
}

/**
 * Parses the file's text, either format: every node's record, or only those
 * of `names` (valid node names). Text that is not a JSON object at all (a
 * damaged file) reads as empty records, and `onDamaged` hears why.
 */
export function parseRecords(text: string, onDamaged?: (problem: string) => void, names?: Iterable<string>): BootRecords {
  const records = emptyRecords();
  const raw = parseObject(text, onDamaged);
  if (raw === undefined) return records;
  if (raw.format === RECORDS_FORMAT) {
    const table = (Array.isArray(raw.files) ? raw.files : []).map(fileEntry);
    const times = new IsoTimes();
    for (const [name, row] of nodesOf(raw, names)) {
      const record = rowRecord(row, table, times);
      if (record) records.nodes[name] = record;
    }
  } else {
    for (const [name, value] of nodesOf(raw, names)) {
      const record = objectRecord(value);
      if (record) records.nodes[name] = record;
    }
  }
  records.unknown = unknownRequests(raw.unknown);
  return records;
}

/**
 * Node → time of its last request, either format: what `node list` shows,
 * without reading the files of every record. A node is kept under the same
 * condition {@link parseRecords} keeps its record (valid name, `lastSeen` and
 * `address` texts), so both agree. With `names` (valid node names), only
 * those nodes are looked up.
 */
export function parseLastSeen(text: string, onDamaged?: (problem: string) => void, names?: Iterable<string>): Map<string, string> {
  const seen = new Map<string, string>();
  const raw = parseObject(text, onDamaged);
  if (raw === undefined) return seen;
  const rows = raw.format === RECORDS_FORMAT;
  for (const [name, value] of nodesOf(raw, names)) {
    const [lastSeen, address] = rows
      ? (Array.isArray(value) ? value as unknown[] : [])
      : [(value as Partial<NodeBootRecord> | null)?.lastSeen, (value as Partial<NodeBootRecord> | null)?.address];
    if (isText(lastSeen, 64) && isText(address, 64)) seen.set(name, lastSeen);
  }
  return seen;
}

/**
 * The file's text in format 2. A fetch whose time cannot be written as
 * milliseconds before `lastSeen` (a hand-edited format 1 file with a time
 * that is not ISO 8601) is left out; the node's record is kept.
 */
export function serializeRecords(records: BootRecords): string {
  const index = new Map<string, number>();
  const files: [Stage, string, string][] = [];
  const msOf = new Map<string, number>();
  const parse = (time: string): number => {
    let ms = msOf.get(time);
    if (ms === undefined) {
      ms = Date.parse(time);
      msOf.set(time, ms);
    }
    return ms;
  };
  const nodes: Record<string, (string | number)[]> = {};
  for (const [name, record] of Object.entries(records.nodes)) {
    const seenMs = parse(record.lastSeen);
    const row: (string | number)[] = [record.lastSeen, record.address, record.mac ?? ''];
    for (const stage of STAGES) {
      const file = record.stages[stage];
      const before = file === undefined ? NaN : seenMs - parse(file.at);
      if (file === undefined || !Number.isSafeInteger(before)) continue;
      const key = `${stage}\n${file.path}\n${file.etag}`;
      let at = index.get(key);
      if (at === undefined) {
        at = files.length;
        files.push([stage, file.path, file.etag]);
        index.set(key, at);
      }
      row.push(at, before);
    }
    nodes[name] = row;
  }
  return `${JSON.stringify({ format: RECORDS_FORMAT, files, nodes, unknown: records.unknown })}\n`;
}
