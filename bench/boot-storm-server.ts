/**
 * Child process of the boot-storm bench: runs the embedded boot server on a
 * free loopback port so its memory can be sampled on its own, prints one JSON
 * line `{"pid":N,"url":"..."}` once listening, and serves until killed.
 * With WORKERS > 1 it runs the server as `serve --workers` does: a worker
 * pool (src/serve/worker-pool.ts) of that many cluster workers sharing the
 * listening socket, nginx-style, each forwarding its served events and
 * access-log lines to the primary (src/serve/worker-link.ts), where they are
 * counted: the cost node-status recording and the log have in that design.
 * Usage: node dist/bench/boot-storm-server.js ROOT [READ_CHUNK_BYTES [CHUNK_CACHE_MB [WORKERS]]] (empty = default)
 */
import cluster from 'node:cluster';
import { fileURLToPath } from 'node:url';
import { createBootServer } from '../src/serve/static-server.js';
import { forwardingHooks, type WorkerMessage } from '../src/serve/worker-link.js';
import { startWorkerPool } from '../src/serve/worker-pool.js';

const [root, chunk, cacheMb, workersArg] = process.argv.slice(2);
if (!root) {
  console.error('usage: boot-storm-server ROOT [READ_CHUNK_BYTES [CHUNK_CACHE_MB [WORKERS]]]');
  process.exit(2);
}
const workers = Number(workersArg || 1);
let logLines = 0;
let served = 0;
const serverOptions = {
  root,
  listen: '127.0.0.1',
  port: 0,
  readChunkBytes: chunk ? Number(chunk) : undefined,
  chunkCacheBytes: cacheMb ? Number(cacheMb) * 1024 * 1024 : undefined,
};

if (cluster.isWorker) {
  const hooks = forwardingHooks(process.send?.bind(process) as (message: WorkerMessage) => boolean);
  const boot = await createBootServer({ ...serverOptions, ...hooks });
  process.send?.({ kind: 'listening', url: boot.url } satisfies WorkerMessage);
  process.once('SIGTERM', () => { void boot.close().then(() => process.exit(0)); });
  process.once('disconnect', () => { void boot.close().then(() => process.exit(0)); });
} else if (workers > 1) {
  const pool = await startWorkerPool({
    count: workers,
    exec: fileURLToPath(import.meta.url),
    args: process.argv.slice(2),
    onServed: () => { served += 1; },
    // Formatting the log line is part of the real cost; writing it is not measured.
    accessLog: () => { logLines += 1; },
    errorLog: (line) => console.error(line),
  });
  process.stdout.write(`${JSON.stringify({ pid: process.pid, url: pool.url })}\n`);
  process.on('SIGTERM', () => {
    void pool.close().then(() => {
      console.error(`boot-storm-server: ${logLines} requests logged, ${served} served events, ${workers} workers`);
      process.exit(0);
    });
  });
} else {
  const boot = await createBootServer({
    ...serverOptions,
    accessLog: () => { logLines += 1; },
    onServed: () => { served += 1; },
  });
  process.stdout.write(`${JSON.stringify({ pid: process.pid, url: boot.url })}\n`);
  process.on('SIGTERM', () => {
    void boot.close().then(() => {
      console.error(`boot-storm-server: ${logLines} requests logged, ${served} served events`);
      process.exit(0);
    });
  });
}
