import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderHttpConfig } from '../../src/serve/http-config.js';
import { HIDDEN_FILES, TMP_LOOKING_FILES, fetchAnswer, makeBootTree, writeHiddenFiles, writeTmpLookingFiles } from '../helpers/serve-fixture.js';
import { freeLoopbackPort, startNginx } from '../helpers/nginx-harness.js';

test('the nginx snippet makes the real nginx serve the boot tree', async () => {
  const tree = await makeBootTree();
  try {
    await chmod(tree.base, 0o755); // nginx workers run unprivileged
    await writeHiddenFiles(tree.diskless);
    await writeTmpLookingFiles(tree.diskless);
    await writeFile(join(tree.diskless, 'images', 'demo', 'private.img'), 'private\n');
    await chmod(join(tree.diskless, 'images', 'demo', 'private.img'), 0o600);
    const workDir = join(tree.base, 'nginx');
    await mkdir(workDir);
    const port = await freeLoopbackPort();
    const snippet = renderHttpConfig('nginx', { documentRoot: tree.root, listen: '127.0.0.1', port });
    const nginx = await startNginx({ workDir, snippet, port, workerProcesses: 1 });
    try {
      const base = `http://127.0.0.1:${port}/`;
      const script = await fetchAnswer(base, '/preboot_execution_environment/diskless/images/demo/boot.ipxe');
      assert.equal(script.status, 200);
      assert.equal(script.headers['content-type'], 'text/plain; charset=utf-8');
      assert.equal(script.body.toString(), '#!ipxe\nkernel vmlinuz\nboot\n');
      const image = await fetchAnswer(base, '/preboot_execution_environment/diskless/images/demo/squashfs.img');
      assert.equal(image.status, 200);
      assert.equal(image.headers['content-type'], 'application/octet-stream');
      assert.ok(image.body.equals(tree.image));
      const kernel = await fetchAnswer(base, '/preboot_execution_environment/diskless/kernels/vmlinuz-6.1.0-18-amd64',
        { method: 'HEAD' });
      assert.equal(kernel.headers['content-type'], 'application/octet-stream');
      const listing = await fetchAnswer(base, '/preboot_execution_environment/diskless/');
      assert.equal(listing.status, 403, 'no directory listing');
      for (const file of HIDDEN_FILES) {
        const hidden = await fetchAnswer(base, `/preboot_execution_environment/diskless/${file}`);
        assert.equal(hidden.status, 404, `nginx must refuse ${file} like disklessset serve`);
      }
      for (const file of TMP_LOOKING_FILES) {
        const served = await fetchAnswer(base, `/preboot_execution_environment/diskless/${file}`);
        assert.equal(served.status, 200, `nginx must serve ${file} like disklessset serve`);
      }
      const privateFile = await fetchAnswer(base, '/preboot_execution_environment/diskless/images/demo/private.img');
      assert.notEqual(privateFile.status, 200, 'a file that is not world-readable is not served');
    } finally {
      await nginx.stop();
    }
  } finally {
    await tree.cleanup();
  }
});

test('the nginx snippet listens where asked and sets the document root', () => {
  const snippet = renderHttpConfig('nginx', { documentRoot: '/srv/boot/', listen: '10.1.0.1', port: 8080 });
  assert.match(snippet, /^\s*listen 10\.1\.0\.1:8080;$/m);
  assert.match(snippet, /^\s*root \/srv\/boot;$/m);
  assert.match(snippet, /location \/preboot_execution_environment\/ \{/);
  assert.match(snippet, /^\s*text\/plain ipxe\b/m);
  assert.match(renderHttpConfig('nginx', { documentRoot: '/srv/boot', listen: '::1' }), /listen \[::1\]:80;/);
});

test('the Apache snippet aliases the boot tree with no listing and text/plain iPXE scripts', () => {
  const plain = renderHttpConfig('apache', { documentRoot: '/var/www/html' });
  assert.match(plain, /^Alias \/preboot_execution_environment\/ "\/var\/www\/html\/preboot_execution_environment\/"$/m);
  assert.match(plain, /^<Directory "\/var\/www\/html\/preboot_execution_environment">$/m);
  assert.match(plain, /Options -Indexes/);
  assert.match(plain, /AddType text\/plain \.ipxe/);
  // The deny rule, read back from the snippet, refuses the same files as the embedded server.
  const deny = /^RedirectMatch 404 "\(\?i\)(.+)"$/m.exec(plain)?.[1];
  assert.ok(deny, 'the Apache snippet denies hidden files');
  const denied = new RegExp(deny, 'i');
  for (const file of HIDDEN_FILES) assert.ok(denied.test(`/preboot_execution_environment/diskless/${file}`), file);
  assert.ok(!denied.test('/preboot_execution_environment/diskless/images/demo/squashfs.img'));
  for (const file of TMP_LOOKING_FILES) assert.ok(!denied.test(`/preboot_execution_environment/diskless/${file}`), file);
  assert.doesNotMatch(plain, /Listen/);
  const hosted = renderHttpConfig('apache', { documentRoot: '/var/www/html', listen: '10.1.0.1', port: 8080 });
  assert.match(hosted, /^Listen 10\.1\.0\.1:8080$/m);
  assert.match(hosted, /^<VirtualHost 10\.1\.0\.1:8080>$/m);
});

test('values that would break a config file are refused', () => {
  assert.throws(() => renderHttpConfig('nginx', { documentRoot: 'relative/path' }), { code: 'E_HTTP_CONFIG_BAD_ROOT' });
  assert.throws(() => renderHttpConfig('nginx', { documentRoot: '/srv/x; include /etc/shadow' }),
    { code: 'E_HTTP_CONFIG_BAD_ROOT' });
  assert.throws(() => renderHttpConfig('apache', { documentRoot: '/srv/"x' }), { code: 'E_HTTP_CONFIG_BAD_ROOT' });
  assert.throws(() => renderHttpConfig('nginx', { documentRoot: '/srv', listen: '1.2.3.4; evil' }),
    { code: 'E_HTTP_CONFIG_BAD_LISTEN' });
  assert.throws(() => renderHttpConfig('nginx', { documentRoot: '/srv', port: 70000 }), { code: 'E_HTTP_CONFIG_BAD_PORT' });
});
