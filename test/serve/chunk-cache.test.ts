import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { open, writeFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { ChunkCache, fileIdentity } from '../../src/serve/chunk-cache.js';
import type { BootServer } from '../../src/serve/static-server.js';
import { fetchAnswer, makeBootTree, patterned, startServer, type BootTree } from '../helpers/serve-fixture.js';

const CHUNK = 64 * 1024;
const IMAGE = '/preboot_execution_environment/diskless/images/demo/squashfs.img';
let tree: BootTree;
let boot: BootServer;

before(async () => {
  tree = await makeBootTree();
  // Small chunks and a budget of four of them: the 1 MiB image needs evictions and re-reads.
  boot = await startServer(tree.root, { readChunkBytes: CHUNK, chunkCacheBytes: 4 * CHUNK });
});
after(async () => {
  await boot.close();
  await tree.cleanup();
});

/** A real file handle that counts the reads made through it. */
function countingReads(handle: FileHandle): { handle: FileHandle; reads: () => number } {
  let reads = 0;
  const counted = new Proxy(handle, {
    get(target, property) {
      if (property === 'read') {
        return (...args: Parameters<FileHandle['read']>) => { reads += 1; return target.read(...args); };
      }
      const value: unknown = Reflect.get(target, property);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { handle: counted, reads: () => reads };
}

test('many downloads of the same image at once each receive it whole', async () => {
  const answers = await Promise.all(Array.from({ length: 20 }, () => fetchAnswer(boot.url, IMAGE)));
  for (const answer of answers) {
    assert.equal(answer.status, 200);
    assert.ok(answer.body.equals(tree.image), 'identical to the file');
  }
});

test('ranges that start and end inside chunks get exactly the bytes asked for', async () => {
  for (const [start, end] of [[CHUNK - 3, CHUNK + 2], [1, 3 * CHUNK + 17], [5 * CHUNK, 5 * CHUNK], [tree.image.length - 10, tree.image.length - 1]]) {
    const answer = await fetchAnswer(boot.url, IMAGE, { headers: { Range: `bytes=${start}-${end}` } });
    assert.equal(answer.status, 206);
    assert.ok(answer.body.equals(tree.image.subarray(start, (end ?? 0) + 1)), `bytes ${start}-${end}`);
  }
});

test('an image rewritten in place is sent with its new content, not the cached old one', async () => {
  const imagePath = join(tree.diskless, 'images', 'demo', 'squashfs.img');
  const first = await fetchAnswer(boot.url, IMAGE);
  assert.ok(first.body.equals(tree.image));
  const rewritten = patterned(tree.image.length, 42);
  await writeFile(imagePath, rewritten); // same inode, same size: only the times change
  const second = await fetchAnswer(boot.url, IMAGE);
  assert.ok(second.body.equals(rewritten), 'new content');
  await writeFile(imagePath, tree.image);
});

test('downloads at the same point of a file share one read per chunk, and the cache keeps to its budget', async () => {
  const file = await open(join(tree.diskless, 'images', 'demo', 'squashfs.img'));
  try {
    const stats = await file.stat();
    const { handle, reads } = countingReads(file);
    const cache = new ChunkCache(CHUNK, 4 * CHUNK);
    const identity = fileIdentity(stats);
    for (let index = 0; index < 16; index += 1) {
      // Ten downloads asking for the same chunk at the same moment.
      const leases = await Promise.all(Array.from({ length: 10 }, () => cache.read(handle, identity, stats.size, index)));
      for (const lease of leases) {
        assert.ok(lease.buffer.equals(tree.image.subarray(index * CHUNK, (index + 1) * CHUNK)), `chunk ${index}`);
        lease.release();
      }
      assert.ok(cache.cachedBytes <= 4 * CHUNK, `${cache.cachedBytes} bytes kept`);
    }
    assert.equal(reads(), 16, 'one read per chunk for ten downloads');
  } finally {
    await file.close();
  }
});

test('a chunk still lent to a slow download is never overwritten by later reads', async () => {
  const file = await open(join(tree.diskless, 'images', 'demo', 'squashfs.img'));
  try {
    const stats = await file.stat();
    const identity = fileIdentity(stats);
    const cache = new ChunkCache(CHUNK, CHUNK); // room for one chunk: every new chunk evicts the last
    const slow = await cache.read(file, identity, stats.size, 0);
    for (let index = 1; index < 16; index += 1) {
      const lease = await cache.read(file, identity, stats.size, index);
      lease.release();
    }
    assert.ok(slow.buffer.equals(tree.image.subarray(0, CHUNK)), 'still the first chunk');
    slow.release();
    const again = await cache.read(file, identity, stats.size, 3);
    assert.ok(again.buffer.equals(tree.image.subarray(3 * CHUNK, 4 * CHUNK)));
    again.release();
  } finally {
    await file.close();
  }
});
