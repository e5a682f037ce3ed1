/**
 * Cache-Control by file name: versioned files (their name carries the
 * version id) are cached forever, everything else is revalidated, by the
 * embedded server and by the real nginx with the `http-config nginx` snippet.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderHttpConfig } from '../../src/serve/http-config.js';
import { isImmutablePath } from '../../src/serve/versioned-names.js';
import { versionBootFile, versionRecordFile, versionRootFile } from '../../src/core/image/versions.js';
import { fetchAnswer, makeBootTree, startServer, type BootTree } from '../helpers/serve-fixture.js';
import { freeLoopbackPort, startNginx } from '../helpers/nginx-harness.js';

const ID = '0123456789ab';
const DEMO = '/preboot_execution_environment/diskless/images/demo';
const FOREVER = 'public, max-age=31536000, immutable';

const VERSIONED = [`squashfs-${ID}.img`, `boot-${ID}.ipxe`, `squashfs-${ID}.img.torrent`, `squashfs-${ID}.img.sha256`];
/** Rewritten under the same name (or not a version id: upper case, too short): revalidated. */
const REWRITTEN = ['squashfs.img', 'boot.ipxe', `squashfs-${ID.toUpperCase()}.img`, 'squashfs-0123456789a.img',
  `boot-${ID}.ipxe.old`, `xsquashfs-${ID}.img`];

async function writeNamed(tree: BootTree): Promise<void> {
  for (const name of [...VERSIONED, ...REWRITTEN]) {
    await writeFile(join(tree.diskless, 'images', 'demo', name), `bytes of ${name}\n`, { mode: 0o644 });
  }
  await mkdir(join(tree.diskless, 'nodes'), { recursive: true });
  await writeFile(join(tree.diskless, 'nodes', 'c001.ipxe'), '#!ipxe\n', { mode: 0o644 });
}

async function assertCacheControl(base: string): Promise<void> {
  for (const name of VERSIONED) {
    const answer = await fetchAnswer(base, `${DEMO}/${name}`);
    assert.equal(answer.status, 200, name);
    assert.equal(answer.headers['cache-control'], FOREVER, `${name} never changes: cached forever`);
  }
  for (const path of [...REWRITTEN.map((name) => `${DEMO}/${name}`), '/preboot_execution_environment/diskless/nodes/c001.ipxe']) {
    const answer = await fetchAnswer(base, path);
    assert.equal(answer.status, 200, path);
    assert.equal(answer.headers['cache-control'], 'no-cache', `${path} is rewritten in place: revalidated`);
  }
}

test('the names image versions are published under are the versioned names served forever', () => {
  assert.ok(isImmutablePath(`images/x/${versionRootFile(ID)}`));
  assert.ok(isImmutablePath(versionBootFile(ID)));
  assert.equal(isImmutablePath(versionRecordFile(ID)), false);
});

test('serve sends a forever Cache-Control for versioned files and no-cache for every other file', async () => {
  const tree = await makeBootTree();
  const server = await startServer(tree.root);
  try {
    await writeNamed(tree);
    await assertCacheControl(server.url);
    const missing = await fetchAnswer(server.url, `${DEMO}/squashfs-ffffffffffff.img`);
    assert.equal(missing.status, 404);
    assert.equal(missing.headers['cache-control'], undefined, 'a missing versioned file is not cached');
  } finally {
    await server.close();
    await tree.cleanup();
  }
});

test('the nginx snippet makes the real nginx send the same Cache-Control as serve', async () => {
  const tree = await makeBootTree();
  try {
    await chmod(tree.base, 0o755); // nginx workers run unprivileged
    await writeNamed(tree);
    const workDir = join(tree.base, 'nginx');
    await mkdir(workDir);
    const port = await freeLoopbackPort();
    const nginx = await startNginx({ workDir, snippet: renderHttpConfig('nginx', { documentRoot: tree.root, listen: '127.0.0.1', port }), port, workerProcesses: 1 });
    try {
      await assertCacheControl(`http://127.0.0.1:${port}/`);
    } finally {
      await nginx.stop();
    }
  } finally {
    await tree.cleanup();
  }
});

test('the Apache snippet sets the forever Cache-Control for versioned names only', () => {
  const apache = renderHttpConfig('apache', { documentRoot: '/srv/boot' });
  assert.match(apache, /Header set Cache-Control no-cache/);
  assert.match(apache, /<FilesMatch "[^"]*squashfs-\[0-9a-f\]\{12\}[^"]*">\s*Header set Cache-Control "public, max-age=31536000, immutable"/);
});
