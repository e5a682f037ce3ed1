/**
 * Fires a few thousand malformed and hostile requests (fixed seed) at a real
 * `disklessset serve --api` process and checks what an operator cares
 * about: the process never dies, every legitimate request in between is
 * answered correctly, and its memory stays bounded.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { CLI, makeTempRoot } from '../helpers/temp-root.js';
import { seededRandom } from '../helpers/seeded-random.js';

const SEED = 0x5eed10;
const HOSTILE_REQUESTS = 3000;
const CONCURRENCY = 16;
/** Legitimate requests are made after every this many batches of hostile ones (96 requests). */
const CHECK_EVERY_BATCHES = 6;
const RSS_LIMIT_BYTES = 300 * 1024 * 1024;

/** One crafted exchange: raw bytes, and whether to hang up right after writing them (no answer awaited). */
interface Hostile {
  kind: string;
  bytes: Buffer;
  abandon: boolean;
}

function makeHostile(random: () => number, tokens: { admin: string; reader: string }): Hostile {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const int = (max: number) => Math.floor(random() * max);
  const head = (line: string, headers: string[] = []) => `${line}\r\nHost: x\r\nConnection: close\r\n${headers.map((h) => `${h}\r\n`).join('')}\r\n`;
  const auth = (role: 'admin' | 'reader') => `Authorization: Bearer ${tokens[role]}`;
  const text = (kind: string, value: string, abandon = false): Hostile => ({ kind, bytes: Buffer.from(value, 'latin1'), abandon });
  const kinds: Array<() => Hostile> = [
    () => text('bad method', head(`${pick(['FOO', 'get', 'G ET', 'BREW', 'PROPFIND', '\x01'])} / HTTP/1.1`)),
    () => text('huge header', head('GET /preboot_execution_environment/ HTTP/1.1', [`X-Big: ${'a'.repeat(16_384 + int(50_000))}`])),
    () => text('many headers', head('GET / HTTP/1.1', Array.from({ length: 500 + int(3000) }, (_, i) => `X-${i}: v`))),
    () => text('broken chunked', `${head('POST /api/v1/images HTTP/1.1', [auth('admin'), 'Transfer-Encoding: chunked'])}${pick(['zz', '-1', 'ffffffffffffffffff', 'g0'])}\r\n\r\n`),
    () => text('chunked over the limit', `${head('POST /api/v1/images HTTP/1.1', [auth('admin'), 'Transfer-Encoding: chunked', 'Content-Type: application/json'])}${`400\r\n${'\0'.repeat(0x400)}\r\n`.repeat(65 + int(100))}0\r\n\r\n`),
    () => text('declared length over the limit', head('PUT /api/v1/boot/n1 HTTP/1.1', [auth('admin'), `Content-Length: ${70_000 + int(1e9)}`]), true),
    () => text('traversal', head(`GET ${pick(['/../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/preboot_execution_environment/%00', '/a%2fb', '/%252e%252e/x', '/preboot_execution_environment/diskless/images/x/image_data.yml', '/..%5c..%5c', 'http://evil/x', '*'])} HTTP/1.1`)),
    () => text('huge node set', head(`GET /api/v1/boot/${encodeURIComponent(pick(['n[1-999999999]', 'n[1-999999998/2]', 'a[1-99999]b[1-99999]', `n[1-${1e5 + 1 + int(1e12)}]`, 'n[0-9999999999999999999999]']))} HTTP/1.1`, [auth('reader')])),
    () => text('lenient node set', head(`PUT /api/v1/boot/${encodeURIComponent(pick(['fortoy[2-3,36-40-44]', 'n[-1-2]', 'n[[1]]', 'n[1-2', '@all', 'n*']))} HTTP/1.1`, [auth('admin'), 'Content-Length: 15']) + '{"image":"img"}'),
    () => {
      const body = pick(['{"image":', '[[[[[[[[', '{"image": 12}', 'null', '"\\ud800"', `${'['.repeat(5000)}${']'.repeat(5000)}`, '\xff\xfe']);
      return text('bad JSON', head('PUT /api/v1/boot/n1 HTTP/1.1', [auth('admin'), `Content-Length: ${Buffer.byteLength(body, 'latin1')}`]) + body);
    },
    () => text('truncated request', `GET /preboot_execution_environment/diskless/boot.ipxe HTTP/1.1\r\nHost: x\r\nX-Slow: ${'s'.repeat(int(100))}`, true),
    () => text('body shorter than declared', `${head('PUT /api/v1/boot/n1 HTTP/1.1', [auth('admin'), 'Content-Length: 100'])}{"im`, true),
    () => text('abrupt close mid-download', head('GET /preboot_execution_environment/diskless/boot.ipxe HTTP/1.1'), true),
    () => ({ kind: 'random bytes', bytes: Buffer.from(Array.from({ length: 1 + int(2000) }, () => int(256))), abandon: true }),
    () => text('token in query', head(`GET /api/v1/images?token=${tokens.reader} HTTP/1.1`)),
    () => text('bad authorization', head('GET /api/v1/images HTTP/1.1', [`Authorization: ${pick(['Bearer', 'Basic Zm9vOmJhcg==', `Bearer ${'x'.repeat(600)}`, 'Bearer dlss_\u0000', 'Bearer  '])}`])),
    () => text('odd ranges', head('GET /preboot_execution_environment/diskless/boot.ipxe HTTP/1.1', [`Range: ${pick(['bytes=-0', 'bytes=99999999999999999999-', 'bytes=0-0,'.repeat(200), 'bytes=5-1', 'items=0-1'])}`])),
    () => text('bad version', `GET / HTTP/${pick(['0.9', '2.0', '1.1x', '11'])}\r\nHost: x\r\n\r\n`, true),
  ];
  return pick(kinds)();
}

/** Sends one crafted exchange; resolves with the status line's code (0: none) once the connection is over. */
function fire(port: number, hostile: Hostile): Promise<number> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    // A guard against a hung test run only: the server's own timeouts are longer.
    socket.setTimeout(10_000, () => socket.destroy());
    socket.on('connect', () => {
      socket.write(hostile.bytes, () => {
        if (hostile.abandon) socket.destroy();
      });
    });
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      const status = /^HTTP\/1\.1 (\d{3})/.exec(Buffer.concat(chunks).toString('latin1'));
      resolve(status ? Number(status[1]) : 0);
    });
  });
}

async function rssOf(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? NaN) * 1024;
}

test('serve --api survives thousands of hostile requests, keeps answering, and stays under 300 MB', async () => {
  const root = await makeTempRoot();
  const child = spawn(process.execPath, [CLI, '--root', root.root, 'serve', '--port', '0', '--api'], {
    stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DISKLESS_ROOT: '', NO_COLOR: '1' },
  });
  let exited: number | string | null = null;
  child.on('exit', (code, signal) => { exited = code ?? signal; });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const match = / at (http:\/\/\S+?)\/? /.exec(stdout);
        if (match) resolve(match[1] as string);
      });
      child.on('exit', () => reject(new Error(`serve exited: ${stderr}`)));
    });
    const port = Number(new URL(url).port);
    // Tokens and an image are made by other processes while the server runs: it reads them per request.
    const admin = (await root.cli(['api', 'token', 'create', '--role', 'admin'])).stdout.split('\n')[0] as string;
    const reader = (await root.cli(['api', 'token', 'create', '--role', 'read'])).stdout.split('\n')[0] as string;
    assert.equal((await root.cli(['demo', 'create', 'img', '--message', 'hi'])).exitCode, 0);

    const random = seededRandom(SEED);
    const byKind = new Map<string, number>();
    const statusesByKind = new Map<string, Set<number>>();
    let legitimate = 0;
    let legitimateOk = 0;
    let maxRss = 0;
    for (let sent = 0; sent < HOSTILE_REQUESTS; sent += CONCURRENCY) {
      const batch = Array.from({ length: Math.min(CONCURRENCY, HOSTILE_REQUESTS - sent) }, () => makeHostile(random, { admin, reader }));
      const statuses = await Promise.all(batch.map((hostile) => fire(port, hostile)));
      batch.forEach((hostile, i) => {
        byKind.set(hostile.kind, (byKind.get(hostile.kind) ?? 0) + 1);
        const seen = statusesByKind.get(hostile.kind) ?? new Set<number>();
        statusesByKind.set(hostile.kind, seen.add(statuses[i] as number));
        assert.notEqual(statuses[i], 500, `${hostile.kind} must not be an internal error`);
      });
      if ((sent / CONCURRENCY) % CHECK_EVERY_BATCHES !== 0) continue;
      legitimate += 3;
      const file = await fetch(`${url}/preboot_execution_environment/diskless/boot.ipxe`);
      if (file.status === 200 && (await file.text()).startsWith('#!ipxe')) legitimateOk += 1;
      const list = await fetch(`${url}/api/v1/boot`, { headers: { Authorization: `Bearer ${reader}` } });
      if (list.status === 200 && Array.isArray(((await list.json()) as { assignments: unknown }).assignments)) legitimateOk += 1;
      const put = await fetch(`${url}/api/v1/boot/n%5B1-4%5D`, {
        method: 'PUT', headers: { Authorization: `Bearer ${admin}`, 'Content-Type': 'application/json' }, body: '{"image":"img"}',
      });
      if (put.status === 200) legitimateOk += 1;
      maxRss = Math.max(maxRss, await rssOf(child.pid as number));
    }
    assert.equal(exited, null, `serve died: ${stderr.slice(-2000)}`);
    assert.equal([...byKind.values()].reduce((a, b) => a + b, 0), HOSTILE_REQUESTS);
    // Requests that can be answered get the refusal a user would expect, every time.
    assert.deepEqual([...statusesByKind.get('chunked over the limit') ?? []], [413]);
    assert.deepEqual([...statusesByKind.get('huge node set') ?? []], [422]);
    assert.deepEqual([...statusesByKind.get('lenient node set') ?? []], [422]);
    assert.deepEqual([...statusesByKind.get('token in query') ?? []], [400]);
    assert.deepEqual([...statusesByKind.get('huge header') ?? []].filter((s) => s !== 0), [431]);
    assert.ok([...statusesByKind.get('traversal') ?? []].every((s) => [400, 403, 404].includes(s)));
    assert.ok(byKind.size >= 15, `most kinds were tried: ${[...byKind.keys()].join(', ')}`);
    assert.equal(legitimate, 3 * Math.ceil(Math.ceil(HOSTILE_REQUESTS / CONCURRENCY) / CHECK_EVERY_BATCHES));
    assert.equal(legitimateOk, legitimate, 'every legitimate request in between was answered correctly');
    assert.ok(maxRss > 0 && maxRss < RSS_LIMIT_BYTES, `RSS peaked at ${Math.round(maxRss / 1048576)} MiB`);
    assert.doesNotMatch(stderr, /internal error|TypeError|RangeError/);
    assert.ok(!stderr.includes(admin) && !stderr.includes(reader), 'no token in the log');
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => (exited === null ? child.once('exit', resolve) : resolve(undefined)));
    await root.cleanup();
  }
});
