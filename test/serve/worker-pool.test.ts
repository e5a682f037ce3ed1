import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import cluster from 'node:cluster';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { ConflictError } from '../../src/errors/index.js';
import { pidExists } from '../../src/core/state/process-identity.js';
import type { ServedEvent } from '../../src/serve/served-event.js';
import { isWorkerMessage } from '../../src/serve/worker-link.js';
import { startWorkerPool, type WorkerPool } from '../../src/serve/worker-pool.js';
import { fetchAnswer, makeBootTree, waitUntil, type BootTree } from '../helpers/serve-fixture.js';

const FIXTURE = fileURLToPath(new URL('../helpers/serve-worker-fixture.js', import.meta.url));
const IMAGE = '/preboot_execution_environment/diskless/images/demo/squashfs.img';
let tree: BootTree;

before(async () => { tree = await makeBootTree(); });
after(async () => { await tree.cleanup(); });

function startPool(events: ServedEvent[], lines: string[], port = 0): Promise<WorkerPool> {
  return startWorkerPool({
    count: 2, exec: FIXTURE, env: { SERVE_FIXTURE_ROOT: tree.root, SERVE_FIXTURE_PORT: String(port) },
    onServed: (event) => events.push(event), accessLog: (line) => lines.push(line), errorLog: (line) => lines.push(line),
  });
}

test('files served by the workers are reported to the primary: one served event and one access line per request', async () => {
  const events: ServedEvent[] = [];
  const lines: string[] = [];
  const pool = await startPool(events, lines);
  try {
    assert.equal(pool.pids().length, 2);
    const answers = await Promise.all(Array.from({ length: 6 }, () => fetchAnswer(pool.url, `${IMAGE}?node=n1`)));
    for (const answer of answers) assert.ok(answer.status === 200 && answer.body.equals(tree.image), 'the whole image');
    await waitUntil(() => events.length === 6 && lines.length === 6);
    for (const event of events) {
      assert.deepEqual({ ...event, etag: undefined }, {
        path: IMAGE, query: 'node=n1', remoteAddress: '127.0.0.1', etag: undefined, status: 200, bytes: tree.image.length, complete: true,
      });
      assert.match(event.etag ?? '', /^"/);
    }
    assert.ok(lines.every((line) => line.includes(IMAGE)), lines.join('\n'));
  } finally {
    await pool.close();
  }
});

test('closing the pool stops every worker', async () => {
  const pool = await startPool([], []);
  const pids = pool.pids();
  await pool.close();
  assert.deepEqual(pids.filter(pidExists), []);
  assert.deepEqual(pool.pids(), []);
});

test('a worker that dies is replaced, and the port keeps answering', async () => {
  const lines: string[] = [];
  const pool = await startPool([], lines);
  try {
    const [victim] = pool.pids();
    assert.ok(victim);
    process.kill(victim, 'SIGKILL');
    await waitUntil(() => pool.pids().length === 2 && !pool.pids().includes(victim));
    // Connections go only to workers that listen: every request is answered, by the survivor or the replacement.
    for (let i = 0; i < 4; i += 1) assert.equal((await fetchAnswer(pool.url, IMAGE)).status, 200);
    assert.ok(lines.some((line) => line.includes(`serve worker ${victim} stopped`)), lines.join('\n'));
  } finally {
    await pool.close();
  }
});

test('a port already in use is refused with E_SERVE_PORT_IN_USE and leaves no worker behind', async () => {
  const other = createServer().listen(0, '127.0.0.1');
  await once(other, 'listening');
  try {
    const { port } = other.address() as AddressInfo;
    await assert.rejects(startPool([], [], port), (error: unknown) => error instanceof ConflictError && error.code === 'E_SERVE_PORT_IN_USE');
    await waitUntil(() => Object.keys(cluster.workers ?? {}).length === 0);
  } finally {
    other.close();
  }
});

test('only messages of the worker protocol are taken from the channel', () => {
  assert.equal(isWorkerMessage({ kind: 'served', event: {} }), true);
  assert.equal(isWorkerMessage({ kind: 'shutdown' }), false);
  assert.equal(isWorkerMessage('listening'), false);
  assert.equal(isWorkerMessage(null), false);
});
