/**
 * The overlay manifest's head: the start-of-command check of every command
 * reads the build's inputs from it without parsing every node's record;
 * anything but a whole manifest written by this version reads as no head,
 * and the whole file is read instead.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { manifestHead, readManifest, writeManifest } from '../../../src/boot/overlays/overlay-state.js';
import { overlayManifestFile } from '../../../src/boot/boot-paths.js';
import { makeTempRoot } from '../../helpers/temp-root.js';

const HASH = 'a'.repeat(64);

test('a written manifest has the build inputs in its head, the same as a whole read gives', async () => {
  const t = await makeTempRoot();
  try {
    const { paths } = await t.services();
    await writeManifest(paths, { nodes: { n01: { digest: 'd1', secret: true, ip: '10.0.0.1' } }, inventorySha256: HASH, sources: 'src "quoted",nodes:' });
    const text = await readFile(overlayManifestFile(paths), 'utf8');
    const whole = await readManifest(paths);
    assert.deepEqual(manifestHead(text), { inventorySha256: whole.inventorySha256, sources: whole.sources });
    assert.equal(whole.sources, 'src "quoted",nodes:');
    await writeManifest(paths, { nodes: {}, inventorySha256: HASH });
    assert.deepEqual(manifestHead(await readFile(overlayManifestFile(paths), 'utf8')), { inventorySha256: HASH });
  } finally {
    await t.cleanup();
  }
});

test('an earlier layout, a partial build\'s manifest without inputs, a cut or an edited file has no head', () => {
  const records = '"nodes":{"n01":{"digest":"d1","secret":true}}';
  assert.equal(manifestHead(`{${records},"inventorySha256":"${HASH}"}\n`), undefined, 'nodes first: an earlier version wrote it');
  assert.equal(manifestHead(`{${records}}\n`), undefined);
  assert.equal(manifestHead(`{"inventorySha256":"${HASH}",${records}`), undefined, 'cut before its end');
  assert.equal(manifestHead(`{"inventorySha256":7,${records}}\n`), undefined);
  assert.equal(manifestHead(`{"inventorySha256":"${HASH}","sources":[1],${records}}\n`), undefined);
});

test('a manifest in the earlier layout is still read whole', async () => {
  const t = await makeTempRoot();
  try {
    const { paths } = await t.services();
    await mkdir(dirname(overlayManifestFile(paths)), { recursive: true });
    await writeFile(overlayManifestFile(paths), `{"nodes":{"n01":{"digest":"d1","secret":false}},"inventorySha256":"${HASH}","sources":"s1"}\n`);
    const whole = await readManifest(paths);
    assert.equal(whole.inventorySha256, HASH);
    assert.equal(whole.sources, 's1');
    assert.deepEqual(Object.keys(whole.nodes), ['n01']);
  } finally {
    await t.cleanup();
  }
});
