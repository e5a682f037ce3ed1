/**
 * Load generator of bench/node-status.ts (a separate process, so it does not
 * share the server's event loop): CLIENTS nodes each fetch their boot chain
 * ROUNDS times over keep-alive connections, with the node identity the iPXE
 * scripts add. Prints one JSON line `{requests, bytes, ms}`.
 * Usage: node dist/bench/node-status-load.js URL CLIENTS ROUNDS
 */
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';

const [base = '', clientsText = '100', roundsText = '20'] = process.argv.slice(2);
const CLIENTS = Number(clientsText);
const ROUNDS = Number(roundsText);
const D = '/preboot_execution_environment/diskless';
const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });
const buffer = Buffer.alloc(256 * 1024);

function get(path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, base), { agent }, (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => { bytes += chunk.copy(buffer, 0, 0, Math.min(chunk.length, buffer.length)) && chunk.length; });
      res.on('end', () => (res.statusCode === 200 ? resolve(bytes) : reject(new Error(`${path}: ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end();
  });
}

async function client(index: number): Promise<{ requests: number; bytes: number }> {
  const node = `c${String(index + 1).padStart(5, '0')}`;
  const query = `?node=${node}&mac=52-54-00-00-${String(Math.floor(index / 100) % 100).padStart(2, '0')}-${String(index % 100).padStart(2, '0')}`;
  const chain = [`${D}/nodes/${node}.ipxe`, `${D}/images/storm/boot.ipxe`, `${D}/kernels/vmlinuz-6.1.0-bench`,
    `${D}/kernels/initramfs-kernel-6.1.0-bench`, `${D}/images/storm/squashfs.img`];
  let requests = 0;
  let bytes = 0;
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const path of chain) {
      bytes += await get(`${path}${query}`);
      requests += 1;
    }
  }
  return { requests, bytes };
}

const start = performance.now();
const results = await Promise.all(Array.from({ length: CLIENTS }, (_, i) => client(i)));
const ms = performance.now() - start;
agent.destroy();
process.stdout.write(`${JSON.stringify({ requests: results.reduce((s, r) => s + r.requests, 0), bytes: results.reduce((s, r) => s + r.bytes, 0), ms })}\n`);
