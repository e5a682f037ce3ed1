import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { BootServer } from '../../src/serve/static-server.js';
import { createBootServer } from '../../src/serve/static-server.js';
import { run } from '../../src/system/runner.js';
import { join } from 'node:path';
import { fetchAnswer, makeBootTree, patterned, startServer, type BootTree } from '../helpers/serve-fixture.js';

let tree: BootTree;
let boot: BootServer;
const IMAGE = '/preboot_execution_environment/diskless/images/demo/squashfs.img';
const KERNELS = '/preboot_execution_environment/diskless/kernels';

before(async () => {
  tree = await makeBootTree();
  boot = await startServer(tree.root, {
    apiHandler: (req, res) => {
      if (req.url !== '/api/v1/ping') return false;
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ method: req.method }));
      return true;
    },
  });
});
after(async () => {
  await boot.close();
  await tree.cleanup();
});

test('binds to a loopback URL with the port it was given', () => {
  assert.match(boot.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
});

test('a port another program listens on is E_SERVE_PORT_IN_USE, one line naming the port and what to do', async () => {
  const port = Number(new URL(boot.url).port);
  await assert.rejects(createBootServer({ root: tree.root, listen: '127.0.0.1', port }), (error: Error & { code?: string; hint?: string }) => {
    assert.equal(error.code, 'E_SERVE_PORT_IN_USE');
    assert.equal(error.message, `port ${port} on 127.0.0.1 is already in use by another program`);
    assert.match(error.hint ?? '', /--port/);
    return true;
  });
});

test('a full GET returns the exact image bytes with length and validators', async () => {
  const answer = await fetchAnswer(boot.url, IMAGE);
  assert.equal(answer.status, 200);
  assert.ok(answer.body.equals(tree.image));
  assert.equal(answer.headers['content-length'], String(tree.image.length));
  assert.equal(answer.headers['accept-ranges'], 'bytes');
  assert.match(answer.headers.etag ?? '', /^"[0-9a-f]+-[0-9a-f]+-[0-9a-f]+"$/);
  assert.ok(answer.headers['last-modified']);
});

test('HEAD returns the same headers as GET and no body', async () => {
  const get = await fetchAnswer(boot.url, IMAGE);
  const head = await fetchAnswer(boot.url, IMAGE, { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(head.body.length, 0);
  assert.equal(head.headers['content-length'], get.headers['content-length']);
  assert.equal(head.headers.etag, get.headers.etag);
  assert.equal(head.headers['content-type'], get.headers['content-type']);
});

test('content types follow what each boot file is', async () => {
  const expected: Array<[string, string]> = [
    ['/preboot_execution_environment/diskless/images/demo/boot.ipxe', 'text/plain; charset=utf-8'],
    [IMAGE, 'application/octet-stream'],
    [`${KERNELS}/vmlinuz-6.1.0-18-amd64`, 'application/octet-stream'],
    [`${KERNELS}/initramfs-6.1.0-18-amd64.img`, 'application/octet-stream'],
    ['/index.html', 'text/html; charset=utf-8'],
    ['/status.json', 'application/json'],
  ];
  for (const [path, type] of expected) {
    const answer = await fetchAnswer(boot.url, path, { method: 'HEAD' });
    assert.equal(answer.status, 200, path);
    assert.equal(answer.headers['content-type'], type, path);
  }
});

test('a kernel is served byte for byte', async () => {
  const answer = await fetchAnswer(boot.url, `${KERNELS}/vmlinuz-6.1.0-18-amd64`);
  assert.ok(answer.body.equals(patterned(4096, 7)));
});

test('a query string does not change which file is served', async () => {
  const answer = await fetchAnswer(boot.url, '/status.json?cache=1');
  assert.equal(answer.body.toString(), '{"ok":true}\n');
});

test('directories are not listed and missing files are 404', async () => {
  for (const path of ['/', '/preboot_execution_environment/', `${KERNELS}`, '/nothing-here', `${IMAGE}/below-a-file`]) {
    const answer = await fetchAnswer(boot.url, path);
    assert.equal(answer.status, 404, path);
    assert.doesNotMatch(answer.body.toString(), /vmlinuz|images/);
  }
});

test('a named pipe in the tree is refused without hanging the server', async () => {
  const fifo = join(tree.root, 'pipe.img');
  await run(['mkfifo', fifo]);
  assert.equal((await fetchAnswer(boot.url, '/pipe.img')).status, 404);
  assert.equal((await fetchAnswer(boot.url, '/index.html')).status, 200);
});

test('methods other than GET and HEAD are refused with 405 and Allow', async () => {
  for (const method of ['POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH']) {
    const answer = await fetchAnswer(boot.url, IMAGE, { method });
    assert.equal(answer.status, 405, method);
    assert.equal(answer.headers.allow, 'GET, HEAD');
  }
});

test('requests under /api/ reach the API handler with any method', async () => {
  const answer = await fetchAnswer(boot.url, '/api/v1/ping', { method: 'POST' });
  assert.equal(answer.status, 200);
  assert.deepEqual(JSON.parse(answer.body.toString()), { method: 'POST' });
});

test('an API path the handler declines is 404', async () => {
  assert.equal((await fetchAnswer(boot.url, '/api/v1/unknown')).status, 404);
});

test('without an API handler, /api/ is 404 for every method', async () => {
  const plain = await startServer(tree.root);
  try {
    assert.equal((await fetchAnswer(plain.url, '/api/v1/ping')).status, 404);
    assert.equal((await fetchAnswer(plain.url, '/api/v1/images', { method: 'POST' })).status, 404);
  } finally {
    await plain.close();
  }
});

test('an API handler that throws yields 500, and the server keeps serving', async () => {
  const failing = await startServer(tree.root, { apiHandler: () => { throw new Error('boom'); } });
  try {
    assert.equal((await fetchAnswer(failing.url, '/api/v1/x')).status, 500);
    assert.equal((await fetchAnswer(failing.url, IMAGE, { method: 'HEAD' })).status, 200);
  } finally {
    await failing.close();
  }
});

test('a missing document root is refused with a typed error', async () => {
  await assert.rejects(createBootServer({ root: `${tree.base}/absent`, port: 0 }), { code: 'E_SERVE_ROOT_NOT_FOUND' });
});
