/**
 * Child process of the boot-storm bench: runs the embedded boot server on a
 * free loopback port so its memory can be sampled on its own, prints one JSON
 * line `{"pid":N,"url":"..."}` once listening, and serves until killed.
 * With WORKERS > 1 (an experiment, not how `disklessset serve` runs) it forks
 * that many cluster workers sharing the listening socket, nginx-style; each
 * worker forwards one message per finished request to the primary, the cost
 * an access log and node-status recording would have in that design.
 * Usage: node dist/bench/boot-storm-server.js ROOT [READ_CHUNK_BYTES [CHUNK_CACHE_MB [WORKERS]]] (empty = default)
 */
import cluster from 'node:cluster';
import { createBootServer } from '../src/serve/static-server.js';

const [root, chunk, cacheMb, workersArg] = process.argv.slice(2);
if (!root) {
  console.error('usage: boot-storm-server ROOT [READ_CHUNK_BYTES [CHUNK_CACHE_MB [WORKERS]]]');
  process.exit(2);
}
const workers = Number(workersArg || 1);
let logLines = 0;

if (workers > 1 && cluster.isPrimary) {
  let announced = false;
  for (let i = 0; i < workers; i += 1) {
    const worker = cluster.fork();
    worker.on('message', (message: { url?: string; line?: string }) => {
      if (message.line !== undefined) logLines += 1;
      if (message.url && !announced) {
        announced = true;
        process.stdout.write(`${JSON.stringify({ pid: process.pid, url: message.url })}\n`);
      }
    });
  }
  process.on('SIGTERM', () => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.kill();
    console.error(`boot-storm-server: ${logLines} requests logged`);
    process.exit(0);
  });
} else {
  const inWorker = cluster.isWorker;
  const boot = await createBootServer({
    root,
    listen: '127.0.0.1',
    port: 0,
    // Formatting the log line is part of the real cost; writing it is not measured.
    accessLog: (line) => { logLines += 1; if (inWorker) process.send?.({ line }); },
    readChunkBytes: chunk ? Number(chunk) : undefined,
    chunkCacheBytes: cacheMb ? Number(cacheMb) * 1024 * 1024 : undefined,
  });
  if (inWorker) process.send?.({ url: boot.url });
  else process.stdout.write(`${JSON.stringify({ pid: process.pid, url: boot.url })}\n`);
  process.on('SIGTERM', () => {
    void boot.close().then(() => {
      if (!inWorker) console.error(`boot-storm-server: ${logLines} requests logged`);
      process.exit(0);
    });
  });
}
