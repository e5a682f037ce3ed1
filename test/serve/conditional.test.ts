import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { BootServer } from '../../src/serve/static-server.js';
import { fetchAnswer, makeBootTree, startServer, type BootTree } from '../helpers/serve-fixture.js';

let tree: BootTree;
let boot: BootServer;
const IMAGE = '/preboot_execution_environment/diskless/images/demo/squashfs.img';

before(async () => {
  tree = await makeBootTree();
  boot = await startServer(tree.root);
});
after(async () => {
  await boot.close();
  await tree.cleanup();
});

test('a single range is answered 206 with exactly those bytes', async () => {
  const answer = await fetchAnswer(boot.url, IMAGE, { headers: { Range: 'bytes=1000-1999' } });
  assert.equal(answer.status, 206);
  assert.equal(answer.headers['content-range'], `bytes 1000-1999/${tree.image.length}`);
  assert.equal(answer.headers['content-length'], '1000');
  assert.ok(answer.body.equals(tree.image.subarray(1000, 2000)));
});

test('an open-ended range runs to the end of the file', async () => {
  const start = tree.image.length - 10;
  const answer = await fetchAnswer(boot.url, IMAGE, { headers: { Range: `bytes=${start}-` } });
  assert.equal(answer.status, 206);
  assert.ok(answer.body.equals(tree.image.subarray(start)));
});

test('a suffix range returns the last N bytes', async () => {
  const answer = await fetchAnswer(boot.url, IMAGE, { headers: { Range: 'bytes=-512' } });
  assert.equal(answer.status, 206);
  assert.equal(answer.headers['content-range'],
    `bytes ${tree.image.length - 512}-${tree.image.length - 1}/${tree.image.length}`);
  assert.ok(answer.body.equals(tree.image.subarray(-512)));
});

test('a range ending past the file is clipped to the file', async () => {
  const answer = await fetchAnswer(boot.url, IMAGE, { headers: { Range: `bytes=0-${tree.image.length * 2}` } });
  assert.equal(answer.status, 206);
  assert.equal(answer.body.length, tree.image.length);
});

test('a range starting past the end is 416 with the real size', async () => {
  const answer = await fetchAnswer(boot.url, IMAGE, { headers: { Range: `bytes=${tree.image.length}-` } });
  assert.equal(answer.status, 416);
  assert.equal(answer.headers['content-range'], `bytes */${tree.image.length}`);
});

test('several ranges are answered with the whole file (200)', async () => {
  const answer = await fetchAnswer(boot.url, IMAGE, { headers: { Range: 'bytes=0-9,100-109' } });
  assert.equal(answer.status, 200);
  assert.ok(answer.body.equals(tree.image));
});

test('a malformed or non-byte range is ignored', async () => {
  for (const range of ['bytes=abc', 'items=0-10', 'bytes=50-10']) {
    const answer = await fetchAnswer(boot.url, IMAGE, { headers: { Range: range } });
    assert.equal(answer.status, 200, range);
    assert.equal(answer.body.length, tree.image.length, range);
  }
});

test('If-None-Match with the current ETag gives 304 without a body', async () => {
  const first = await fetchAnswer(boot.url, IMAGE, { method: 'HEAD' });
  const etag = first.headers.etag ?? '';
  for (const header of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
    const answer = await fetchAnswer(boot.url, IMAGE, { headers: { 'If-None-Match': header } });
    assert.equal(answer.status, 304, header);
    assert.equal(answer.body.length, 0);
    assert.equal(answer.headers.etag, etag);
  }
});

test('If-None-Match with another ETag gives the file', async () => {
  const answer = await fetchAnswer(boot.url, IMAGE, { headers: { 'If-None-Match': '"stale"' } });
  assert.equal(answer.status, 200);
  assert.equal(answer.body.length, tree.image.length);
});

test('If-Modified-Since gives 304 at or after Last-Modified, 200 before', async () => {
  const first = await fetchAnswer(boot.url, IMAGE, { method: 'HEAD' });
  const modified = first.headers['last-modified'] ?? '';
  assert.equal((await fetchAnswer(boot.url, IMAGE, { headers: { 'If-Modified-Since': modified } })).status, 304);
  const earlier = new Date(Date.parse(modified) - 60_000).toUTCString();
  const answer = await fetchAnswer(boot.url, IMAGE, { headers: { 'If-Modified-Since': earlier } });
  assert.equal(answer.status, 200);
  assert.equal(answer.body.length, tree.image.length);
});

test('If-None-Match takes precedence over If-Modified-Since', async () => {
  const first = await fetchAnswer(boot.url, IMAGE, { method: 'HEAD' });
  const answer = await fetchAnswer(boot.url, IMAGE, {
    headers: { 'If-None-Match': '"stale"', 'If-Modified-Since': first.headers['last-modified'] ?? '' },
  });
  assert.equal(answer.status, 200);
});

test('If-Range with the current ETag or date keeps the range, a stale one sends everything', async () => {
  const first = await fetchAnswer(boot.url, IMAGE, { method: 'HEAD' });
  const range = { Range: 'bytes=0-99' };
  const byTag = await fetchAnswer(boot.url, IMAGE, { headers: { ...range, 'If-Range': first.headers.etag ?? '' } });
  assert.equal(byTag.status, 206);
  assert.equal(byTag.body.length, 100);
  const byDate = await fetchAnswer(boot.url, IMAGE,
    { headers: { ...range, 'If-Range': first.headers['last-modified'] ?? '' } });
  assert.equal(byDate.status, 206);
  const stale = await fetchAnswer(boot.url, IMAGE, { headers: { ...range, 'If-Range': '"stale"' } });
  assert.equal(stale.status, 200);
  assert.ok(stale.body.equals(tree.image));
  const weak = await fetchAnswer(boot.url, IMAGE, { headers: { ...range, 'If-Range': `W/${first.headers.etag}` } });
  assert.equal(weak.status, 200, 'If-Range requires a strong match');
});
