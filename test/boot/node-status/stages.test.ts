/** The recorder's per-path memory of boot stages: the same answers as parsing each time, and bounded. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RememberedStages, stageOf } from '../../../src/boot/node-status/stages.js';
import { bootUrls } from '../../../src/boot/ipxe/urls.js';
import { Paths } from '../../../src/core/paths.js';

test('remembered stages answer exactly as parsing the path each time, however often and however many paths are asked', async () => {
  const root = await mkdtemp(join(tmpdir(), 'disklessset-stages-'));
  try {
    const urls = bootUrls(new Paths(root));
    const D = '/preboot_execution_environment/diskless';
    const paths = [`${D}/nodes/c1.ipxe`, `${D}/images/gold/boot.ipxe`, `${D}/images/gold/squashfs-0123456789ab.img`, `${D}/kernels/vmlinuz-6.1.0-28-amd64`,
      `${D}/kernels/initramfs-kernel-6.1.0-28-amd64`, `${D}/nodes/..%2f..%2fetc.ipxe`, `${D}/images/gold/.owner.lock`, '/elsewhere/file', `${D}/nodes/c%31.ipxe`];
    // A table of three paths: emptied again and again while the answers stay right.
    const remembered = new RememberedStages(urls, 3);
    for (let round = 0; round < 3; round += 1) {
      for (const path of paths) assert.deepEqual(remembered.of(path), stageOf(urls, path), path);
    }
    assert.equal(remembered.of(`${D}/nodes/c1.ipxe`)?.owner, 'c1');
    assert.equal(remembered.of('/elsewhere/file'), undefined);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
