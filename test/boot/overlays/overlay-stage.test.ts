import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Paths } from '../../../src/core/paths.js';
import { bootUrls } from '../../../src/boot/ipxe.js';
import { stageOf, stagePath } from '../../../src/boot/node-status/stages.js';
import { overlayArchivePath } from '../../../src/boot/boot-paths.js';

test('node status knows the overlay archive as the overlay stage of its node, and maps it back to the file', async () => {
  const root = await mkdtemp(join(tmpdir(), 'overlay-stage-'));
  try {
    const paths = new Paths(root);
    const urls = bootUrls(paths);
    assert.equal(urls.overlaysPath, '/preboot_execution_environment/diskless/overlays');
    const file = stageOf(urls, `${urls.overlaysPath}/n01.img`);
    assert.deepEqual(file, { stage: 'overlay', owner: 'n01', file: 'n01.img' });
    assert.equal(stagePath(paths, file as NonNullable<typeof file>), overlayArchivePath(paths, 'n01'));
    assert.equal(stageOf(urls, `${urls.overlaysPath}/n01.ipxe`), undefined);
    assert.equal(stageOf(urls, `${urls.overlaysPath}/..%2fx.img`), undefined);
    assert.equal(stagePath(paths, { stage: 'overlay', owner: 'n01', file: '../n02.img' }), undefined, 'a recorded name is checked again');
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
