/**
 * The served-file observer: the query only identifies the node (the file is
 * resolved from the path alone) and each finished request is reported with
 * the exact ETag sent; a throwing observer does not break serving.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ServedEvent } from '../../src/serve/served-event.js';
import { fetchAnswer, makeBootTree, startServer, waitUntil } from '../helpers/serve-fixture.js';

const IMAGE = '/preboot_execution_environment/diskless/images/demo/squashfs.img';

test('a query string does not change the file served, and the observer gets path, query, address, ETag and status', async () => {
  const tree = await makeBootTree();
  const events: ServedEvent[] = [];
  const server = await startServer(tree.root, { onServed: (event) => events.push(event) });
  try {
    const plain = await fetchAnswer(server.url, IMAGE);
    const withQuery = await fetchAnswer(server.url, `${IMAGE}?node=c001&mac=52-54-00-12-34-56`);
    assert.equal(withQuery.status, 200);
    assert.ok(withQuery.body.equals(plain.body), 'same bytes with and without the query');
    assert.equal(withQuery.headers.etag, plain.headers.etag);
    const missing = await fetchAnswer(server.url, '/preboot_execution_environment/diskless/nodes/c9.ipxe?node=c9');
    assert.equal(missing.status, 404);
    await waitUntil(() => events.length === 3);
    assert.deepEqual(events[1], {
      path: IMAGE, query: 'node=c001&mac=52-54-00-12-34-56', remoteAddress: '127.0.0.1',
      etag: plain.headers.etag, status: 200, bytes: tree.image.length, complete: true,
    });
    assert.equal(events[0]?.query, '');
    assert.equal(events[2]?.status, 404);
    assert.equal(events[2]?.etag, undefined, 'no file, no version');
  } finally {
    await server.close();
    await tree.cleanup();
  }
});

test('an observer that throws is logged and the server keeps answering', async () => {
  const tree = await makeBootTree();
  const errors: string[] = [];
  let calls = 0;
  const server = await startServer(tree.root, {
    errorLog: (line) => errors.push(line),
    onServed: () => { calls += 1; throw new Error('observer broke'); },
  });
  try {
    assert.equal((await fetchAnswer(server.url, `${IMAGE}?node=c1`)).status, 200);
    await waitUntil(() => calls === 1);
    assert.equal((await fetchAnswer(server.url, `${IMAGE}?node=c1`)).status, 200);
    await waitUntil(() => errors.length === 2);
    assert.match(errors[0] ?? '', /observer broke/);
  } finally {
    await server.close();
    await tree.cleanup();
  }
});
