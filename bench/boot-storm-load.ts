/**
 * Load generator of the boot-storm bench, run as its own process so it does
 * not share an event loop with the server under test. Opens CLIENTS
 * connections at once, each sending one GET and reading the whole answer
 * into a single reused buffer (no per-chunk allocation, so the client stays
 * cheap), and prints a JSON summary. Gives up at the deadline.
 * Usage: node dist/bench/boot-storm-load.js URL CLIENTS EXPECTED_BODY_BYTES DEADLINE_MS
 */
import { connect } from 'node:net';

const [url, clientsArg, expectedArg, deadlineArg] = process.argv.slice(2);
if (!url || !clientsArg || !expectedArg || !deadlineArg) {
  console.error('usage: boot-storm-load URL CLIENTS EXPECTED_BODY_BYTES DEADLINE_MS');
  process.exit(2);
}
const target = new URL(url);
const clients = Number(clientsArg);
const expected = Number(expectedArg);
const request = Buffer.from(`GET ${target.pathname} HTTP/1.1\r\nHost: ${target.host}\r\nConnection: close\r\n\r\n`);
const HEADER_END = Buffer.from('\r\n\r\n');

interface ClientResult { bodyBytes: number; complete: boolean; status: number; ms: number }

function download(): Promise<ClientResult> {
  const started = performance.now();
  let received = 0;
  let headerBytes = -1;
  let status = 0;
  let head = Buffer.alloc(0);
  return new Promise((resolve) => {
    const socket = connect({
      host: target.hostname,
      port: Number(target.port),
      onread: {
        buffer: Buffer.allocUnsafe(1024 * 1024),
        callback: (size: number, buffer: Uint8Array) => {
          if (headerBytes < 0) {
            head = Buffer.concat([head, Buffer.from(buffer.subarray(0, size))]);
            const end = head.indexOf(HEADER_END);
            if (end >= 0) {
              headerBytes = end + HEADER_END.length;
              status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head.toString('latin1', 0, 16))?.[1] ?? 0);
            }
          }
          received += size;
          return true;
        },
      },
    });
    socket.on('connect', () => socket.write(request));
    const finish = () => {
      const bodyBytes = Math.max(0, received - Math.max(headerBytes, 0));
      resolve({ bodyBytes, complete: status === 200 && bodyBytes === expected, status, ms: performance.now() - started });
    };
    socket.on('close', finish);
    socket.on('error', () => { /* reported through close as incomplete */ });
    sockets.push(socket);
  });
}

const sockets: ReturnType<typeof connect>[] = [];
const started = performance.now();
const deadline = setTimeout(() => { for (const socket of sockets) socket.destroy(); }, Number(deadlineArg));
const results = await Promise.all(Array.from({ length: clients }, () => download()));
clearTimeout(deadline);
const seconds = (performance.now() - started) / 1000;
const bodyBytes = results.reduce((sum, r) => sum + r.bodyBytes, 0);
const times = results.map((r) => r.ms).sort((a, b) => a - b);
process.stdout.write(`${JSON.stringify({
  clients,
  completed: results.filter((r) => r.complete).length,
  statuses: [...new Set(results.map((r) => r.status))],
  bodyBytes,
  seconds,
  firstDoneSeconds: (times[0] ?? 0) / 1000,
  lastDoneSeconds: (times[times.length - 1] ?? 0) / 1000,
})}\n`);
