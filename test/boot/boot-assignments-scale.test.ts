import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { makeTempRoot } from '../helpers/temp-root.js';
import { bootOf, listBoot } from '../../src/boot/index.js';
import { emptyInventory, formatInventory } from '../../src/core/nodes/inventory-file.js';

// 100,000 assigned nodes (the node set limit): listing must fold them right (it used to take minutes).
test('boot list folds 100,000 assigned nodes per image, and bootOf answers for all of them', async () => {
  const root = await makeTempRoot();
  try {
    const services = await root.services();
    const document = emptyInventory();
    for (let i = 1; i <= 100_000; i++) document.nodes[`c${i}`] = { image: i <= 60_000 ? 'alpha' : 'beta' };
    await mkdir(dirname(services.paths.inventoryFile), { recursive: true });
    await writeFile(services.paths.inventoryFile, formatInventory(document));
    assert.deepEqual(await listBoot(services), [
      { image: 'alpha', nodes: 'c[1-60000]', count: 60_000 },
      { image: 'beta', nodes: 'c[60001-100000]', count: 40_000 },
    ]);
    const of = await bootOf(services, 'c[59999-60001],toString');
    assert.deepEqual(of, { c59999: 'alpha', c60000: 'alpha', c60001: 'beta', toString: null });
  } finally {
    await root.cleanup();
  }
});
