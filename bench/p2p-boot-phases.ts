/**
 * One phase of bench/p2p-boot.ts: every node fetches the image at once, and
 * the phase's figures are read from the host side of the bridge (see
 * bench/netns-harness.ts): when the last node had the whole image, what the
 * host's servers sent, what each node received, and what the satellite sent.
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Counters, NetnsHarness, SimNode } from './netns-harness.js';
import type { FetchResult } from './p2p-boot-fetch.js';

/** The figures of one phase. */
export interface PhaseResult {
  name: string;
  results: FetchResult[];
  /** Completion time of the last node that completed, ms. */
  lastMs: number;
  /** Bytes the host (main server, tracker) sent into the bridge. */
  hostSent: number;
  /** Bytes each simulated node received. */
  nodeReceived: number[];
  /** Bytes the satellite's namespace sent, when there is one. */
  satelliteSent: number;
}

/** What a phase runs for one node: resolves when that node has the image. */
export type NodeFetch = (node: SimNode, output: string, start: number) => Promise<FetchResult>;

function difference(after: Counters, before: Counters, nodes: number): { hostSent: number; nodeReceived: number[]; satelliteSent: number } {
  return {
    hostSent: after.hostSent - before.hostSent,
    nodeReceived: after.nodeReceived.slice(0, nodes).map((bytes, index) => bytes - (before.nodeReceived[index] ?? 0)),
    satelliteSent: nodes < after.nodeSent.length ? (after.nodeSent[nodes] ?? 0) - (before.nodeSent[nodes] ?? 0) : 0,
  };
}

/**
 * Runs `fetch` on each of `nodes` at once, each writing to its own folder
 * under `workDir` (removed afterwards), then kills what the nodes left
 * running (seeders). `during` runs beside the fetches (e.g. stopping the
 * main server part of the way through).
 */
export async function runPhase(name: string, harness: NetnsHarness, nodes: SimNode[], workDir: string, fetch: NodeFetch,
  during?: (start: number) => Promise<void>, before?: Counters): Promise<PhaseResult> {
  const folders = nodes.map((node) => join(workDir, `${name}-node${node.index}`));
  for (const folder of folders) await mkdir(folder, { recursive: true });
  const start = performance.now();
  const counted = before ?? await harness.counters();
  const side = during ? during(start) : Promise.resolve();
  const results = await Promise.all(nodes.map((node, index) => fetch(node, join(folders[index] as string, 'squashfs.img'), start)));
  await side;
  const after = await harness.counters();
  await harness.killAll();
  for (const folder of folders) await rm(folder, { recursive: true, force: true });
  const done = results.filter((result) => result.ok);
  return {
    name, results, lastMs: done.length > 0 ? Math.max(...done.map((result) => result.ms)) : Number.NaN,
    ...difference(after, counted, nodes.length),
  };
}

/** Formats bytes as MiB with one decimal. */
export function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

/** One printed line per phase, for the benchmark's own output. */
export function describePhase(phase: PhaseResult, imageBytes: number): string {
  const received = [...phase.nodeReceived].sort((a, b) => a - b);
  const failed = phase.results.filter((result) => !result.ok);
  return [
    `${phase.name}: ${phase.results.length - failed.length}/${phase.results.length} nodes complete, last at ${(phase.lastMs / 1000).toFixed(1)} s;`,
    `host sent ${mib(phase.hostSent)} (${(phase.hostSent / imageBytes).toFixed(2)}x the image)`,
    phase.satelliteSent > 2 ** 20 ? `; satellite sent ${mib(phase.satelliteSent)}` : '',
    `; each node received min ${mib(received[0] ?? 0)}, median ${mib(received[Math.floor(received.length / 2)] ?? 0)}, max ${mib(received.at(-1) ?? 0)}`,
    failed.length > 0 ? `\n  failures: ${failed.slice(0, 3).map((result) => `node ${result.node}: ${result.detail}`).join('; ')}` : '',
  ].join('');
}
