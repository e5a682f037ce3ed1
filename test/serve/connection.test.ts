import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, get } from 'node:http';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BootServer } from '../../src/serve/static-server.js';
import { fetchAnswer, makeBootTree, patterned, startServer, waitUntil, type BootTree } from '../helpers/serve-fixture.js';

let tree: BootTree;
let boot: BootServer;
const logLines: string[] = [];
const IMAGE = '/preboot_execution_environment/diskless/images/demo/squashfs.img';

before(async () => {
  tree = await makeBootTree();
  boot = await startServer(tree.root, { accessLog: (line) => logLines.push(line) });
});
after(async () => {
  await boot.close();
  await tree.cleanup();
});

test('keep-alive: consecutive requests reuse one connection', async () => {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const first = await fetchAnswer(boot.url, IMAGE, { agent });
    const second = await fetchAnswer(boot.url, '/index.html', { agent });
    const third = await fetchAnswer(boot.url, '/missing', { agent });
    assert.equal(first.status, 200);
    assert.equal(first.reusedSocket, false);
    assert.equal(second.reusedSocket, true);
    assert.equal(third.status, 404);
    assert.equal(third.reusedSocket, true, 'an error answer keeps the connection too');
  } finally {
    agent.destroy();
  }
});

test('the access log has one line per request with client, method, path, status, bytes, duration', async () => {
  logLines.length = 0;
  await fetchAnswer(boot.url, IMAGE);
  await fetchAnswer(boot.url, IMAGE, { method: 'HEAD' });
  await fetchAnswer(boot.url, IMAGE, { headers: { Range: 'bytes=0-99' } });
  await fetchAnswer(boot.url, '/nothing');
  await waitUntil(() => logLines.length >= 4);
  const fields = logLines.map((line) => line.split(' '));
  assert.deepEqual(fields.map((f) => f.slice(0, 5)), [
    ['127.0.0.1', 'GET', IMAGE, '200', String(tree.image.length)],
    ['127.0.0.1', 'HEAD', IMAGE, '200', '0'],
    ['127.0.0.1', 'GET', IMAGE, '206', '100'],
    ['127.0.0.1', 'GET', '/nothing', '404', '14'],
  ]);
  for (const f of fields) assert.match(f[5] ?? '', /^\d+\.\dms$/);
});

test('the access log cannot be forged through the request path', async () => {
  logLines.length = 0;
  await fetchAnswer(boot.url, '/a%0Afake%20line');
  await waitUntil(() => logLines.length >= 1);
  assert.equal(logLines.length, 1);
  assert.doesNotMatch(logLines[0] ?? '', /\n/);
  assert.equal(logLines[0]?.split(' ').length, 6);
});

test('an image renamed over during a download still arrives whole as the old copy', async () => {
  const imagePath = join(tree.diskless, 'images', 'demo', 'squashfs.img');
  const oldImage = patterned(16 * 1024 * 1024, 3);
  const newImage = patterned(9 * 1024 * 1024, 5);
  await writeFile(imagePath, oldImage);
  const before = await fetchAnswer(boot.url, IMAGE, { method: 'HEAD' });

  const downloaded = await new Promise<{ body: Buffer; length: string | undefined; etag: string | undefined }>(
    (resolve, reject) => {
      get(new URL(IMAGE, boot.url), (res) => {
        // Headers mean the server has opened the file: now replace it, like a rebuild does.
        res.pause();
        const chunks: Buffer[] = [];
        const staged = `${imagePath}.new`;
        writeFile(staged, newImage).then(() => rename(staged, imagePath)).then(() => {
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ body: Buffer.concat(chunks), length: res.headers['content-length'], etag: res.headers.etag }));
          res.resume();
        }, reject);
      }).on('error', reject);
    });

  assert.equal(downloaded.length, String(oldImage.length));
  assert.equal(downloaded.etag, before.headers.etag);
  assert.ok(downloaded.body.equals(oldImage), 'the body is the old image, complete');
  const after = await fetchAnswer(boot.url, IMAGE);
  assert.ok(after.body.equals(newImage), 'new requests get the new image');
  assert.notEqual(after.headers.etag, before.headers.etag);
});

test('a client leaving mid-download is logged as aborted and the server keeps serving', async () => {
  const big = join(tree.diskless, 'images', 'demo', 'big.img');
  await writeFile(big, patterned(32 * 1024 * 1024));
  logLines.length = 0;
  await new Promise<void>((resolve, reject) => {
    const req = get(new URL('/preboot_execution_environment/diskless/images/demo/big.img', boot.url), (res) => {
      res.once('data', () => { req.destroy(); resolve(); });
    });
    req.on('error', () => { /* destroyed on purpose */ });
    req.setTimeout(10_000, () => reject(new Error('no data')));
  });
  await waitUntil(() => logLines.length >= 1);
  assert.match(logLines[0] ?? '', / 200 \d+ [\d.]+ms aborted$/);
  assert.equal((await fetchAnswer(boot.url, '/index.html')).status, 200);
});
