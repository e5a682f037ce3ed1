import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { BootServer } from '../../src/serve/static-server.js';
import { fetchAnswer, makeBootTree, startServer, type BootTree } from '../helpers/serve-fixture.js';

let tree: BootTree;
let boot: BootServer;
const IMAGE = '/preboot_execution_environment/diskless/images/demo/squashfs.img';
const asked: [string, string][] = [];

before(async () => {
  tree = await makeBootTree();
  boot = await startServer(tree.root, {
    access: (file, remote) => {
      asked.push([file, remote]);
      if (remote === '127.0.0.3') throw new Error('policy failure');
      return file.endsWith('/squashfs.img') && remote !== '127.0.0.1' ? 'deny' : 'allow';
    },
  });
});
after(async () => {
  await boot.close();
  await tree.cleanup();
});

test('the access hook decides per file and source address: deny answers 403 without the file', async () => {
  const allowed = await fetchAnswer(boot.url, IMAGE, { localAddress: '127.0.0.1' });
  assert.equal(allowed.status, 200);
  assert.ok(allowed.body.equals(tree.image));
  const denied = await fetchAnswer(boot.url, IMAGE, { localAddress: '127.0.0.2' });
  assert.equal(denied.status, 403);
  assert.equal(denied.body.toString(), '403 Forbidden\n');
  assert.equal(denied.headers.etag, undefined, 'nothing of the file is revealed');
  // The hook is given the resolved file and the peer address.
  assert.ok(asked.some(([file, remote]) => file.endsWith('/images/demo/squashfs.img') && remote === '127.0.0.2'));
});

test('a failing access hook denies the request', async () => {
  const answer = await fetchAnswer(boot.url, IMAGE, { localAddress: '127.0.0.3' });
  assert.equal(answer.status, 403);
});

test('the hook is not asked for what is refused before (missing or hidden files)', async () => {
  asked.length = 0;
  const answer = await fetchAnswer(boot.url, '/preboot_execution_environment/diskless/images/demo/none.img', { localAddress: '127.0.0.2' });
  assert.equal(answer.status, 404);
  assert.deepEqual(asked, []);
});
