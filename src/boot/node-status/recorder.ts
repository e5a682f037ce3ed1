/**
 * Records what each node fetches from the boot server, for `node status`.
 * `serve` gives {@link BootRecorder.observe} to the server as its `onServed`
 * observer. Per request it only parses the query and updates a map in
 * memory (no I/O, no hashing: the ETag is the one the server computed); the
 * state file is written at most once per interval (longer when the file is
 * so large that writing it would take more than a fiftieth of the time) and
 * at shutdown, atomically under its lock (records-writer.ts). Requests naming
 * no inventory node are only counted, and the latest few kept, so a flood of
 * made-up names cannot grow the file.
 *
 * A source address is worth more than a query: a request naming a node that
 * has a registered address (`ip`) from another address is not the node's
 * (anyone can type `?node=c001`), so it is kept as an unknown request with
 * the node's address beside it, never written into that node's record.
 */
import { stat } from 'node:fs/promises';
import type { Paths } from '../../core/paths.js';
import type { NodeInventory } from '../../core/nodes/inventory.js';
import type { ServedEvent } from '../../serve/served-event.js';
import { escapeControls } from '../../errors/index.js';
import { effectiveNode } from '../../core/nodes/effective.js';
import type { NodeEntry } from '../../core/nodes/attributes.js';
import { plainAddress } from '../overlays/access.js';
import { bootUrls } from '../ipxe/urls.js';
import { MAX_UNKNOWN_KEPT, readRecords, type NodeBootRecord, type UnknownRequest } from './boot-records.js';
import { RecordsWriter } from './records-writer.js';
import { RememberedStages } from './stages.js';

/** Default shortest time between two writes of the state file. */
export const DEFAULT_FLUSH_INTERVAL_MS = 2000;

/** Options of {@link BootRecorder}. */
export interface RecorderOptions {
  /** Shortest time between two writes (ms, default {@link DEFAULT_FLUSH_INTERVAL_MS}). */
  flushIntervalMs?: number;
  /** Told about a failed write; the changes stay in memory and are written next time. */
  onError?: (error: unknown) => void;
  /** Current time (tests). */
  now?: () => Date;
  /** Schedules the next write (tests replace it to run writes by hand); default an unref'd setTimeout. */
  schedule?: (write: () => void, delayMs: number) => void;
}

const HEX_MAC = /^[0-9a-f]{2}(-[0-9a-f]{2}){5}$/;
const OK_STATUSES = new Set([200, 206, 304]);
/** Unknown requests kept for a replay after the inventory is reloaded (beyond: only counted). */
const MAX_PENDING = 1000;

function defaultSchedule(write: () => void, delayMs: number): void {
  setTimeout(write, delayMs).unref();
}

/** Records boot requests per node (see the module comment). */
export class BootRecorder {
  private readonly file: string;
  private known = new Set<string>();
  /** Inventory MAC (`aa-bb-...`) → node, for nodes that ask by MAC only. */
  private byMac = new Map<string, string>();
  /** Node → its registered address (inventory `ip`, as plainAddress gives it), for nodes that have one. */
  private addresses = new Map<string, string>();
  private inventoryStamp = -1;
  /** Nodes seen since start (only inventory nodes: bounded by the inventory). */
  private readonly nodes = new Map<string, NodeBootRecord>();
  private dirty = new Set<string>();
  private unknown: UnknownRequest[] = [];
  private unknownCount = 0;
  /** Unknown requests since the last write, replayed once the inventory is reloaded. */
  private pending: { asked: string; mac: string | undefined; event: ServedEvent; at: string; entry: UnknownRequest }[] = [];
  private scheduled = false;
  private writing: Promise<void> = Promise.resolve();
  private closed = false;
  private readonly writer: RecordsWriter;
  /** Parsing a path was most of the cost per request; a boot storm asks for the same few paths again and again. */
  private readonly stages: RememberedStages;

  constructor(paths: Paths, private readonly inventory: NodeInventory, private readonly options: RecorderOptions = {}) {
    this.stages = new RememberedStages(bootUrls(paths));
    this.file = paths.nodeBootsFile;
    this.writer = new RecordsWriter(this.file, options.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS);
  }

  /** Loads the inventory's node names and the records written before (call once before serving). */
  async open(): Promise<this> {
    await this.refreshInventory();
    const records = await readRecords(this.file);
    for (const [name, record] of Object.entries(records.nodes)) if (this.known.has(name)) this.nodes.set(name, record);
    return this;
  }

  /** The served-file observer: cheap, synchronous, never throws on odd input. */
  readonly observe = (event: ServedEvent): void => {
    if (this.closed || event.query === '') return;
    const params = new URLSearchParams(event.query);
    const asked = params.get('node') ?? '';
    const rawMac = (params.get('mac') ?? '').toLowerCase();
    const mac = HEX_MAC.test(rawMac) ? rawMac : undefined;
    if (asked === '' && mac === undefined) return;
    const at = (this.options.now?.() ?? new Date()).toISOString();
    const node = this.resolve(asked, mac);
    const registered = node === undefined ? undefined : this.mismatch(node, event);
    if (node !== undefined && registered === undefined) {
      this.apply(node, mac, event, at);
    } else {
      const entry = this.addUnknown(asked, mac, event, at, registered);
      // Kept until the next write, which reloads the inventory: a node added while serving is not lost.
      if (node === undefined && this.pending.length < MAX_PENDING) this.pending.push({ asked, mac, event, at, entry });
    }
    this.scheduleWrite();
  };

  /** The registered address of `node` when the request came from another one; undefined when it has none or they agree. */
  private mismatch(node: string, event: ServedEvent): string | undefined {
    const registered = this.addresses.get(node);
    return registered !== undefined && registered !== plainAddress(event.remoteAddress) ? registered : undefined;
  }

  private addUnknown(asked: string, mac: string | undefined, event: ServedEvent, at: string, registeredAddress?: string): UnknownRequest {
    this.unknownCount += 1;
    const entry: UnknownRequest = {
      name: escapeControls(asked.slice(0, 64)).slice(0, 64), ...(mac ? { mac } : {}), address: escapeControls(event.remoteAddress.slice(0, 64)).slice(0, 64),
      path: escapeControls(event.path.slice(0, 512)).slice(0, 4096), at, ...(registeredAddress ? { registeredAddress } : {}),
    };
    this.unknown.push(entry);
    if (this.unknown.length > MAX_UNKNOWN_KEPT) this.unknown.shift();
    return entry;
  }

  private resolve(asked: string, mac: string | undefined): string | undefined {
    if (this.known.has(asked)) return asked;
    if (mac === undefined) return undefined;
    return this.byMac.get(mac) ?? (this.known.has(mac) ? mac : undefined);
  }

  private apply(node: string, mac: string | undefined, event: ServedEvent, at: string): void {
    const record = this.nodes.get(node) ?? { lastSeen: at, address: '', stages: {} };
    if (record.lastSeen > at) return;
    record.lastSeen = at;
    record.address = event.remoteAddress.slice(0, 64);
    if (mac) record.mac = mac;
    const stage = event.etag !== undefined && OK_STATUSES.has(event.status) ? this.stages.of(event.path) : undefined;
    if (stage) {
      // A node script starts a new boot; an image boot file starts the image part of one (menu, site chain).
      if (stage.stage === 'nodeScript') record.stages = {};
      else if (stage.stage === 'bootFile') record.stages = record.stages.nodeScript ? { nodeScript: record.stages.nodeScript } : {};
      record.stages[stage.stage] = { path: event.path, etag: event.etag as string, at };
    }
    this.nodes.set(node, record);
    this.dirty.add(node);
  }

  /** Applies the unknown requests of nodes the reloaded inventory now holds. */
  private replayPending(): void {
    const pending = this.pending;
    this.pending = [];
    for (const item of pending) {
      const node = this.resolve(item.asked, item.mac);
      if (node === undefined) continue;
      const registered = this.mismatch(node, item.event);
      if (registered !== undefined) {
        item.entry.registeredAddress = registered;
        continue;
      }
      this.apply(node, item.mac, item.event, item.at);
      this.unknownCount -= 1;
      this.unknown = this.unknown.filter((entry) => entry !== item.entry);
    }
  }

  /** Writes what changed since the last write now (waits for a write in progress first). */
  flush(): Promise<void> {
    this.writing = this.writing.then(() => this.write());
    return this.writing;
  }

  /** Stops recording and writes what is left (call at shutdown, after the server closed). */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
  }

  private scheduleWrite(): void {
    if (this.scheduled || this.closed) return;
    this.scheduled = true;
    (this.options.schedule ?? defaultSchedule)(() => {
      this.scheduled = false;
      this.flush().catch(() => undefined);
    }, this.writer.nextDelayMs);
  }

  private async write(): Promise<void> {
    if (this.pending.length > 0) {
      await this.refreshInventory().catch((error: unknown) => this.options.onError?.(error));
      this.replayPending();
    }
    if (this.dirty.size === 0 && this.unknownCount === 0) return;
    const names = [...this.dirty];
    const unknown = this.unknown;
    const unknownCount = this.unknownCount;
    this.dirty = new Set();
    this.unknown = [];
    this.unknownCount = 0;
    const changed: Record<string, NodeBootRecord> = Object.create(null) as Record<string, NodeBootRecord>;
    // A copy of the record and its stage table: later requests replace files in them, never change a file entry.
    for (const name of names) {
      const record = this.nodes.get(name) as NodeBootRecord;
      changed[name] = { ...record, stages: { ...record.stages } };
    }
    try {
      await this.writer.write({ nodes: changed, unknown, unknownCount });
    } catch (error) {
      // Keep the changes for the next write: a full disk must not lose what nodes did.
      for (const name of names) this.dirty.add(name);
      this.unknown = [...unknown, ...this.unknown].slice(-MAX_UNKNOWN_KEPT);
      this.unknownCount += unknownCount;
      this.options.onError?.(error);
      if (!this.closed) this.scheduleWrite();
      if (this.closed) throw error;
    }
  }

  /** Reloads node names and MACs when the inventory file changed (checked at each write, not per request). */
  private async refreshInventory(): Promise<void> {
    const stamp = await stat(this.inventory.file).then((s) => s.mtimeMs + s.ino + s.size, () => 0);
    if (stamp === this.inventoryStamp) return;
    const document = await this.inventory.read();
    const byMac = new Map<string, string>();
    const addresses = new Map<string, string>();
    for (const [name, node] of Object.entries(document.nodes)) {
      for (const mac of node.mac ?? []) byMac.set(mac.replace(/:/g, '-'), name);
      const ip = effectiveNode(name, node as NodeEntry, document.profiles).attributes.ip;
      if (ip !== undefined) addresses.set(name, plainAddress(ip));
    }
    this.known = new Set(Object.keys(document.nodes));
    this.byMac = byMac;
    this.addresses = addresses;
    this.inventoryStamp = stamp;
  }
}
