/**
 * A satellite boot server: the real nginx, configured by
 * `http-config nginx --satellite-of`, in front of a real `disklessset serve`
 * (the main server), both on 127.0.0.1.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderHttpConfig } from '../../src/serve/http-config.js';
import { fetchAnswer, makeBootTree, patterned, startServer } from '../helpers/serve-fixture.js';
import { freeLoopbackPort, startNginx } from '../helpers/nginx-harness.js';

const IMAGE = '/preboot_execution_environment/diskless/images/demo/squashfs.img';
const VERSIONED = '/preboot_execution_environment/diskless/images/demo/squashfs-0123456789ab.img';
const SCRIPT = '/preboot_execution_environment/diskless/images/demo/boot.ipxe';

test('a satellite serves the main server\'s files from its cache, never a stale one, keeps versioned files without asking, and keeps serving when the main server stops', async () => {
  const tree = await makeBootTree();
  const main = await startServer(tree.root);
  let mainOpen = true;
  try {
    await chmod(tree.base, 0o755); // nginx workers run unprivileged
    const workDir = join(tree.base, 'satellite');
    const cacheDir = join(workDir, 'cache-root');
    await mkdir(cacheDir, { recursive: true });
    const port = await freeLoopbackPort();
    const snippet = renderHttpConfig('nginx', { documentRoot: tree.root, listen: '127.0.0.1', port, satelliteOf: main.url.replace(/\/$/, ''), cacheDir });
    const satellite = await startNginx({ workDir, snippet, port, workerProcesses: 1 });
    try {
      const base = `http://127.0.0.1:${port}/`;
      const first = await fetchAnswer(base, `${IMAGE}?node=c01&mac=52-54-00-00-00-01`);
      assert.equal(first.status, 200);
      assert.ok(first.body.equals(tree.image), 'the bytes of the main server');
      assert.equal(first.headers['x-disklessset-cache'], 'MISS');
      const second = await fetchAnswer(base, `${IMAGE}?node=c02&mac=52-54-00-00-00-02`);
      assert.ok(second.body.equals(tree.image));
      assert.equal(second.headers['x-disklessset-cache'], 'REVALIDATED', 'another node gets the cached copy once the main server says it is current');
      assert.equal(second.headers['cache-control'], 'no-cache', 'nodes revalidate a file rewritten in place');
      // A versioned file never changes: the satellite keeps it and never asks the main server again.
      await writeFile(join(tree.diskless, 'images', 'demo', 'squashfs-0123456789ab.img'), tree.image, { mode: 0o644 });
      assert.equal((await fetchAnswer(base, VERSIONED)).headers['x-disklessset-cache'], 'MISS');
      const kept = await fetchAnswer(base, VERSIONED);
      assert.ok(kept.body.equals(tree.image));
      assert.equal(kept.headers['x-disklessset-cache'], 'HIT', 'served from the cache without revalidation');
      assert.equal(kept.headers['cache-control'], 'public, max-age=31536000, immutable');

      // A rebuild on the main server: a new file renamed over the old one, same size.
      const rebuilt = patterned(tree.image.length, 3);
      await writeFile(join(tree.diskless, 'images', 'demo', '.squashfs.img.new'), rebuilt);
      await rename(join(tree.diskless, 'images', 'demo', '.squashfs.img.new'), join(tree.diskless, 'images', 'demo', 'squashfs.img'));
      const after = await fetchAnswer(base, IMAGE);
      assert.equal(after.status, 200);
      assert.ok(after.body.equals(rebuilt), 'the satellite serves the rebuilt image at once, not its cached copy');
      assert.equal(after.headers['x-disklessset-cache'], 'EXPIRED');
      const script = await fetchAnswer(base, SCRIPT);
      assert.equal(script.body.toString(), '#!ipxe\nkernel vmlinuz\nboot\n');
      const range = await fetchAnswer(base, IMAGE, { headers: { Range: 'bytes=10-19' } });
      assert.equal(range.status, 206);
      assert.ok(range.body.equals(rebuilt.subarray(10, 20)), 'ranges are answered from the cached copy');

      await main.close();
      mainOpen = false;
      const stale = await fetchAnswer(base, IMAGE);
      assert.equal(stale.status, 200, 'the main server stopped: the cached copy is served');
      assert.ok(stale.body.equals(rebuilt));
      assert.equal(stale.headers['x-disklessset-cache'], 'STALE');
      assert.equal((await fetchAnswer(base, VERSIONED)).headers['x-disklessset-cache'], 'HIT', 'a versioned file is still fresh');
      const never = await fetchAnswer(base, '/preboot_execution_environment/diskless/kernels/vmlinuz-6.1.0-18-amd64');
      assert.equal(never.status, 502, 'a file never fetched cannot be served without the main server');
      const hidden = await fetchAnswer(base, '/preboot_execution_environment/diskless/images/demo/image_data.yml');
      assert.equal(hidden.status, 404, 'hidden files are refused by the satellite itself');
    } finally {
      await satellite.stop();
    }
  } finally {
    if (mainOpen) await main.close();
    await tree.cleanup();
  }
});

test('a satellite of a URL with credentials, a path or config metacharacters, or for Apache, is refused', () => {
  const base = { documentRoot: '/srv/www', port: 8080 };
  for (const bad of ['http://u:p@10.0.0.1', 'http://10.0.0.1/x', 'http://10.0.0.1?x', 'ftp://10.0.0.1', 'http://10.0.0.1;evil']) {
    assert.throws(() => renderHttpConfig('nginx', { ...base, satelliteOf: bad }), (error: Error & { code?: string }) => error.code === 'E_HTTP_CONFIG_BAD_SATELLITE', bad);
  }
  for (const cacheDir of ['relative/cache', '/var/cache/../../etc', '/', '//']) {
    assert.throws(() => renderHttpConfig('nginx', { ...base, satelliteOf: 'http://10.0.0.1', cacheDir }), (error: Error & { code?: string }) => error.code === 'E_HTTP_CONFIG_BAD_ROOT', cacheDir);
  }
  // A cache folder without a satellite would be silently ignored: refused instead.
  assert.throws(() => renderHttpConfig('nginx', { ...base, cacheDir: '/var/cache/x' }), (error: Error & { code?: string }) => error.code === 'E_HTTP_CONFIG_BAD_SATELLITE');
  assert.throws(() => renderHttpConfig('apache', { ...base, satelliteOf: 'http://10.0.0.1' }), (error: Error & { code?: string }) => error.code === 'E_HTTP_CONFIG_BAD_SATELLITE');
});
