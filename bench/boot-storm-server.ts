/**
 * Child process of the boot-storm bench: runs the embedded boot server on a
 * free loopback port so its memory can be sampled on its own, prints one JSON
 * line `{"pid":N,"url":"..."}` once listening, and serves until killed.
 * Usage: node dist/bench/boot-storm-server.js ROOT [READ_CHUNK_BYTES]
 */
import { createBootServer } from '../src/serve/static-server.js';

const [root, chunk] = process.argv.slice(2);
if (!root) {
  console.error('usage: boot-storm-server ROOT [READ_CHUNK_BYTES]');
  process.exit(2);
}
let logLines = 0;
const boot = await createBootServer({
  root,
  listen: '127.0.0.1',
  port: 0,
  // Formatting the log line is part of the real cost; writing it is not measured.
  accessLog: () => { logLines += 1; },
  readChunkBytes: chunk ? Number(chunk) : undefined,
});
process.stdout.write(`${JSON.stringify({ pid: process.pid, url: boot.url })}\n`);
process.on('SIGTERM', () => {
  void boot.close().then(() => {
    console.error(`boot-storm-server: ${logLines} requests logged`);
    process.exit(0);
  });
});
