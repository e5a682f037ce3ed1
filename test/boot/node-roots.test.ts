import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { makeTempRoot } from '../helpers/temp-root.js';

test('an image that does not exist is refused once, by the inventory guard, for nodes and for profiles without any node', async () => {
  const t = await makeTempRoot();
  try {
    assert.equal((await t.cli(['demo', 'create', 'gold', '--message', 'gold'])).exitCode, 0);
    assert.equal((await t.cli(['profile', 'add', 'compute'])).exitCode, 0);
    const { paths } = await t.services();
    const before = await readFile(paths.inventoryFile, 'utf8');
    const cases = [
      ['profile', 'add', 'gpu', '--image', 'nosuch'],
      ['profile', 'set', 'compute', '--image', 'nosuch'],
      ['node', 'add', 'c01', '--image', 'nosuch'],
    ];
    for (const args of cases) {
      const result = await t.cli(args);
      assert.equal(result.exitCode, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
      assert.match(result.stderr, /no image named nosuch.*give one of: gold/);
    }
    assert.equal(await readFile(paths.inventoryFile, 'utf8'), before, 'nothing written: the profile without nodes was refused too');
    // Through the library, without the CLI: the same guard answers.
    const services = await t.services();
    await assert.rejects(services.inventory.addProfile('gpu', { image: 'nosuch' }), { code: 'E_NODE_UNKNOWN_IMAGE' });
  } finally {
    await t.cleanup();
  }
});
