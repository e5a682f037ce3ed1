import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from '../../helpers/temp-root.js';
import { run } from '../../../src/system/runner.js';
import { addGoldenNodes, listGoldenNodes } from '../../../src/modules/nfs/golden-nodes.js';
import { entries, golden, rootWithStaging } from '../../helpers/nfs-trees.js';

/** Names of complete trees (hidden temporary ones excluded). */
async function visibleTrees(dir: string): Promise<string[]> {
  return (await entries(dir)).filter((name) => !name.startsWith('.'));
}

test('an interrupted addition keeps the list equal to the complete trees; running it again completes it', async () => {
  const { temp, services } = await rootWithStaging();
  try {
    await services.images.create('NfsGoldenImage', 'gold', { from: 'stage1' });
    const stop = new AbortController();
    await assert.rejects(addGoldenNodes(services, 'gold', 'n[1-40]', {
      jobs: 1, signal: stop.signal,
      progress: (event) => { if (event.type === 'progress' && event.done >= 4) stop.abort(); },
    }), { code: 'E_INTERRUPTED' });
    const image = await golden(services, 'gold');
    const trees = await visibleTrees(image.nodesDir);
    assert.ok(trees.length >= 4 && trees.length < 40, `${trees.length} trees`);
    assert.deepEqual(await entries(image.nodesDir), trees, 'no temporary tree is left');
    assert.deepEqual(image.nodes.sort(), trees, 'the saved list names exactly the complete trees');
    const resumed = await addGoldenNodes(services, 'gold', 'n[1-40]');
    assert.equal(resumed.added.length, 40 - trees.length);
    assert.equal(resumed.nodes, 'n[1-40]');
    assert.equal((await visibleTrees(image.nodesDir)).length, 40);
  } finally {
    await temp.cleanup();
  }
});

test('a process killed mid-copy leaves a loadable image; the next run drops partial trees and completes', async () => {
  const { temp, services } = await rootWithStaging();
  try {
    // A bigger tree makes each copy last long enough to be killed in the middle of one.
    await writeFile(join(services.paths.stagingDir, 'stage1', 'usr/bin/big.bin'), Buffer.alloc(16 * 1024 * 1024, 1));
    await services.images.create('NfsGoldenImage', 'gold', { from: 'stage1' });
    const image = await golden(services, 'gold');
    const module = (path: string) => pathToFileURL(join(REPO_ROOT, 'dist', path)).href;
    const script = join(temp.root, 'crash.mjs');
    await writeFile(script, `
      import { readdirSync, writeFileSync } from 'node:fs';
      const { openServices } = await import(${JSON.stringify(module('src/services/services.js'))});
      const { addGoldenNodes } = await import(${JSON.stringify(module('src/modules/nfs/golden-nodes.js'))});
      const services = await openServices({ root: ${JSON.stringify(temp.root)} });
      let batches = 0;
      // Once a batch is saved, die by SIGKILL (no clean-up can run) while the next copies are in flight.
      setInterval(() => {
        const partial = readdirSync(${JSON.stringify(image.nodesDir)}).filter((n) => n.endsWith('.partial'));
        if (batches > 0 && partial.length > 0) {
          writeFileSync(${JSON.stringify(join(temp.root, 'killed-during'))}, partial.join(' '));
          process.kill(process.pid, 'SIGKILL');
        }
      }, 1);
      await addGoldenNodes(services, 'gold', 'k[1-60]', { jobs: 2, progress: (e) => { if (e.type === 'detail' && e.message.includes('saved')) batches += 1; } });
    `);
    const child = await run([process.execPath, script], { allowFailure: true, timeoutMs: 120_000 }).catch((error: unknown) => error);
    const ending = child as { failure?: string; signal?: string };
    assert.ok(ending.failure === 'signal' || ending.signal === 'SIGKILL', `the child died by SIGKILL: ${JSON.stringify(child)}`);
    assert.ok(existsSync(join(temp.root, 'killed-during')));
    const killedDuring = (await readFile(join(temp.root, 'killed-during'), 'utf8')).split(' ');
    assert.ok(killedDuring.length > 0);
    assert.equal((await services.images.status('gold')).status, 'CREATED');
    const listing = await listGoldenNodes(services, 'gold');
    const trees = await visibleTrees(image.nodesDir);
    assert.deepEqual(await entries(image.nodesDir), trees, 'partial trees are removed');
    assert.equal(listing.count, trees.length);
    assert.ok(trees.length > 0 && trees.length < 60);
    assert.deepEqual((await golden(services, 'gold')).nodes.sort(), trees);
    const resumed = await addGoldenNodes(services, 'gold', 'k[1-60]');
    assert.equal(resumed.nodes, 'k[1-60]');
    const sizes = await Promise.all(['k1', 'k60'].map(async (n) => (await readFile(join(image.nodeTree(n), 'usr/bin/big.bin'))).length));
    assert.deepEqual(sizes, [16 * 1024 * 1024, 16 * 1024 * 1024]);
  } finally {
    await temp.cleanup();
  }
});
