import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { symlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { BootServer } from '../../src/serve/static-server.js';
import { fetchAnswer, makeBootTree, rawStatus, startServer, type BootTree } from '../helpers/serve-fixture.js';

let tree: BootTree;
let boot: BootServer;

before(async () => {
  tree = await makeBootTree();
  boot = await startServer(tree.root);
});
after(async () => {
  await boot.close();
  await tree.cleanup();
});

// Every one of these would reach base/secret/passwd if decoded naively.
const MALFORMED_TARGETS = [
  '/../secret/passwd',
  '/preboot_execution_environment/../../secret/passwd',
  '/./secret/passwd',
  '/%2e%2e/secret/passwd',
  '/%2E%2E/secret/passwd',
  '/.%2e/secret/passwd',
  '/%2e./secret/passwd',
  '/preboot_execution_environment/%2e%2e/%2e%2e/secret/passwd',
  '/..%2fsecret%2fpasswd',
  '/%2e%2e%2fsecret%2fpasswd',
  '/%2F..%2Fsecret%2Fpasswd',
  '/..\\secret\\passwd',
  '/%5c..%5csecret%5cpasswd',
  '/%252e%252e/secret/passwd',
  '/%252e%252e%252fsecret%252fpasswd',
  '/%25252e%25252e/secret/passwd',
  '/%c0%ae%c0%ae/secret/passwd',
  '/%e0%80%ae%e0%80%ae/secret/passwd',
  '/index.html%00.png',
  '/%00/../secret/passwd',
  '/%',
  '/%zz',
  'secret/passwd',
  'http://127.0.0.1/../secret/passwd',
];

test('traversal attempts in any encoding are refused with 400', async () => {
  for (const target of MALFORMED_TARGETS) {
    assert.equal(await rawStatus(boot.url, target), 400, target);
  }
});

test('a raw NUL byte in the request target is refused', async () => {
  const status = await rawStatus(boot.url, Buffer.from('/index.html\0/../../secret/passwd', 'latin1'));
  assert.equal(status, 400);
});

test('absolute paths are taken relative to the root, never to the host', async () => {
  for (const target of ['//etc/passwd', `/${tree.base}/secret/passwd`, '///secret/passwd']) {
    assert.equal(await rawStatus(boot.url, target), 404, target);
  }
});

test('symbolic links that leave the tree are refused with 403', async () => {
  for (const path of [
    '/preboot_execution_environment/diskless/escape-file',
    '/preboot_execution_environment/diskless/escape-dir/passwd',
  ]) {
    const answer = await fetchAnswer(boot.url, path);
    assert.equal(answer.status, 403, path);
    assert.doesNotMatch(answer.body.toString(), /root:x/);
  }
});

test('a symbolic link to a file inside the tree is served', async () => {
  const answer = await fetchAnswer(boot.url, '/preboot_execution_environment/diskless/current.ipxe');
  assert.equal(answer.status, 200);
  assert.equal(answer.body.toString(), '#!ipxe\nkernel vmlinuz\nboot\n');
  assert.equal(answer.headers['content-type'], 'text/plain; charset=utf-8');
});

test('percent-encoded ordinary characters are decoded once and served', async () => {
  const answer = await fetchAnswer(boot.url, '/preboot_execution_environment/diskless/images/demo/%62oot.ipxe');
  assert.equal(answer.status, 200);
});

test('a document root reached through a symbolic link still serves and still confines', async () => {
  const linkedRoot = join(tree.base, 'www-link');
  await symlink(tree.root, linkedRoot);
  const linked = await startServer(linkedRoot);
  try {
    assert.equal((await fetchAnswer(linked.url, '/index.html')).status, 200);
    assert.equal((await fetchAnswer(linked.url, '/preboot_execution_environment/diskless/escape-file')).status, 403);
  } finally {
    await linked.close();
  }
});
