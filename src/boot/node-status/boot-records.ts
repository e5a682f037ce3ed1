/**
 * The state file of what each node fetched at its last boot
 * (`Paths.nodeBootsFile`). Written only by `serve` (see recorder.ts), read
 * by `node status` and `node list`. Its text (two formats, the older one
 * still read) is records-format.ts; what it holds is record-shapes.ts.
 * Nothing read from it is ever used as a path (stages.ts rebuilds paths
 * from names).
 */
import { readTextIfExists, writeFileAtomic } from '../../core/state/atomic-file.js';
import { MAX_UNKNOWN_KEPT, emptyRecords, type BootRecords, type NodeBootRecord, type UnknownRequest } from './record-shapes.js';
import { parseLastSeen, parseRecords, serializeRecords } from './records-format.js';

export { MAX_UNKNOWN_KEPT, emptyRecords, type BootRecords, type FetchedFile, type NodeBootRecord, type UnknownRequest } from './record-shapes.js';
export { parseLastSeen, parseRecords } from './records-format.js';

function damagedLine(file: string, problem: string): string {
  return `${file} is damaged (${problem}): read as if no node had booted; \`disklessset serve\` rewrites it at the next boot request`;
}

/**
 * {@link parseLastSeen} of the state file (empty when it does not exist yet), of every node or of `names` (valid node names);
 * `onDamaged` gets one line naming the file.
 */
export async function readLastSeen(file: string, onDamaged?: (line: string) => void, names?: Iterable<string>): Promise<Map<string, string>> {
  const text = await readTextIfExists(file);
  if (text === undefined) return new Map();
  return parseLastSeen(text, onDamaged && ((problem) => onDamaged(damagedLine(file, problem))), names);
}

/**
 * Reads the state file (empty records when it does not exist yet): every
 * node's record, or those of `names` (valid node names). A damaged
 * file reads as empty records too (serve replaces it at its next write);
 * `onDamaged` gets one line naming the file, for commands that report it.
 */
export async function readRecords(file: string, onDamaged?: (line: string) => void, names?: Iterable<string>): Promise<BootRecords> {
  const text = await readTextIfExists(file);
  if (text === undefined) return emptyRecords();
  return parseRecords(text, onDamaged && ((problem) => onDamaged(damagedLine(file, problem))), names);
}

/** Replaces the state file atomically (temp, fsync, rename) in the current format: a kill leaves the old or the new content. */
export async function writeRecords(file: string, records: BootRecords): Promise<void> {
  await writeFileAtomic(file, serializeRecords(records), 0o644);
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
