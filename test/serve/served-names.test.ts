import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BootServer } from '../../src/serve/static-server.js';
import { isHiddenPath } from '../../src/serve/served-names.js';
import { HIDDEN_FILES, TMP_LOOKING_FILES, fetchAnswer, makeBootTree, startServer, writeHiddenFiles, writeTmpLookingFiles, type BootTree } from '../helpers/serve-fixture.js';

let tree: BootTree;
let boot: BootServer;
const DISKLESS = '/preboot_execution_environment/diskless';

before(async () => {
  tree = await makeBootTree();
  await writeHiddenFiles(tree.diskless);
  await writeTmpLookingFiles(tree.diskless);
  await writeFile(join(tree.diskless, 'images', 'demo', 'private.img'), 'private\n');
  await chmod(join(tree.diskless, 'images', 'demo', 'private.img'), 0o600);
  await writeFile(join(tree.diskless, 'images', 'demo', 'empty.ipxe'), '');
  // A link with an innocent name pointing at a hidden file must not publish it.
  await symlink(join(tree.diskless, 'images', 'demo', 'image_data.yml'), join(tree.diskless, 'images', 'demo', 'innocent.img'));
  boot = await startServer(tree.root);
});
after(async () => {
  await boot.close();
  await tree.cleanup();
});

test('state, recipe, lock, temporary and dot files are answered 404, with GET and HEAD', async () => {
  for (const file of HIDDEN_FILES) {
    for (const method of ['GET', 'HEAD']) {
      const answer = await fetchAnswer(boot.url, `${DISKLESS}/${file}`, { method });
      assert.equal(answer.status, 404, `${method} ${file}`);
      assert.doesNotMatch(answer.body.toString(), /secret/);
    }
  }
  // Encoding the name does not get around it.
  assert.equal((await fetchAnswer(boot.url, `${DISKLESS}/images/demo/image_data%2Eyml`)).status, 404);
  assert.equal((await fetchAnswer(boot.url, `${DISKLESS}/images/demo/IMAGE_DATA.YML`)).status, 404);
});

test('a file that is not world-readable is answered 404, like a missing one', async () => {
  const privateFile = await fetchAnswer(boot.url, `${DISKLESS}/images/demo/private.img`);
  const missing = await fetchAnswer(boot.url, `${DISKLESS}/images/demo/nothing.img`);
  assert.equal(privateFile.status, 404);
  assert.deepEqual(privateFile.body, missing.body);
});

test('a link with an innocent name to a hidden file is refused', async () => {
  assert.equal((await fetchAnswer(boot.url, `${DISKLESS}/images/demo/innocent.img`)).status, 404);
});

test('boot files next to the hidden ones are still served', async () => {
  assert.equal((await fetchAnswer(boot.url, `${DISKLESS}/images/demo/boot.ipxe`)).status, 200);
  assert.equal((await fetchAnswer(boot.url, `${DISKLESS}/images/demo/squashfs.img`, { method: 'HEAD' })).status, 200);
  assert.equal((await fetchAnswer(boot.url, `${DISKLESS}/kernels/vmlinuz-6.1.0-18-amd64`, { method: 'HEAD' })).status, 200);
});

test('node scripts and overlays of node names with .tmp inside (FQDNs) are served', async () => {
  for (const file of TMP_LOOKING_FILES) {
    for (const method of ['GET', 'HEAD']) {
      assert.equal((await fetchAnswer(boot.url, `${DISKLESS}/${file}`, { method })).status, 200, `${method} ${file}`);
    }
  }
});

test('a Range request on an empty file is answered 200 with an empty body, as nginx does', async () => {
  for (const range of ['bytes=0-', 'bytes=0-0', 'bytes=-1', 'bytes=5-10']) {
    const answer = await fetchAnswer(boot.url, `${DISKLESS}/images/demo/empty.ipxe`, { headers: { Range: range } });
    assert.equal(answer.status, 200, range);
    assert.equal(answer.headers['content-length'], '0');
    assert.equal(answer.body.length, 0);
  }
});

test('the hidden-name rule matches by segment, not by accident', () => {
  assert.equal(isHiddenPath('preboot_execution_environment/diskless/images/a/squashfs.img'), false);
  assert.equal(isHiddenPath('preboot_execution_environment/diskless/images/a/squashfs.img.previous'), false);
  assert.equal(isHiddenPath('preboot_execution_environment/diskless/nodes/n1.ipxe'), false);
  assert.equal(isHiddenPath('preboot_execution_environment/diskless/images/lockers/boot.ipxe'), false);
  assert.equal(isHiddenPath('preboot_execution_environment/diskless/images/a.lock'), true);
  assert.equal(isHiddenPath('a/.git/config'), true);
});

test('the hidden-name rule hides the tool\'s temporary names, not node names with .tmp inside', () => {
  const served = ['nodes/node01.tmp-cluster.example.com.ipxe', 'overlays/node01.tmp-cluster.example.com.img',
    'nodes/a.tmp.ipxe', 'overlays/a.tmp.img', 'nodes/x.tmp-y.example.com.ipxe', 'NODES/X.TMP-Y.EXAMPLE.COM.IPXE',
    'nodes/x.tmp-1-ab.example.com.ipxe', 'images/a.tmp-b/boot.ipxe', 'nodes/n1.tmp-cluster'];
  for (const path of served) assert.equal(isHiddenPath(`preboot_execution_environment/diskless/${path}`), false, path);
  const hidden = [
    // temporarySibling: `.<name>.tmp-<pid>-<hex>` and `.<name>.stale-<pid>-<hex>`, files and generation folders.
    'nodes/.node01.tmp-cluster.example.com.ipxe.tmp-4242-0a1b2c3d',
    'overlays/.node01.tmp-cluster.example.com.img.tmp-4242-0a1b2c3d',
    'overlays/.node01.tmp-cluster.example.com.img.stale-4242-0a1b2c3d',
    'overlays/.g1.tmp-4242-0a1b2c3d/node01.tmp-cluster.example.com.img',
    'images/a/.squashfs.img.tmp-4242-0a1b2c3d',
    // The same suffix without the dot, and `*.tmp` in any case.
    'nodes/n1.ipxe.tmp-4242-0a1b2c3d', 'nodes/N1.IPXE.TMP-4242-0A1B2C3D', 'nodes/n1.ipxe.tmp', 'nodes/a.tmp', 'nodes/A.TMP',
  ];
  for (const path of hidden) assert.equal(isHiddenPath(`preboot_execution_environment/diskless/${path}`), true, path);
});
