import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtImage } from '../../helpers/livenet-fixtures.js';

test('--p2p on nodes or profiles booting a non-livenet image is kept with a one-line warning; on a livenet image, no warning', async () => {
  const { t } = await builtImage('versions_kept: 3\n');
  try {
    const demo = await t.cli(['demo', 'create', 'd1', '--message', 'd1']);
    assert.equal(demo.exitCode, 0, demo.stderr);
    const warned = async (argv: string[]): Promise<string> => {
      const result = await t.cli(argv);
      assert.equal(result.exitCode, 0, `${argv.join(' ')}: ${result.stderr}`);
      return result.stderr;
    };
    const warning = /^warning: p2p applies to livenet images only: d1 is not one.*--no-p2p\)\n$/;

    assert.match(await warned(['node', 'add', 'c1', '--image', 'd1', '--p2p']), warning);
    assert.equal(await warned(['node', 'add', 'c2', '--image', 'v1', '--p2p']), '', 'livenet: p2p applies');
    assert.match(await warned(['node', 'set', 'c[1-2]', '--p2p']), warning, 'named once for the nodes on d1');
    assert.equal(await warned(['node', 'set', 'c1', '--no-p2p']), '', 'turning it off never warns');

    assert.match(await warned(['profile', 'add', 'pd', '--image', 'd1', '--p2p']), warning);
    assert.equal(await warned(['profile', 'add', 'pl', '--image', 'v1', '--p2p']), '');
    // A profile without an image: the nodes listing it decide.
    assert.equal(await warned(['profile', 'add', 'pn']), '');
    assert.equal(await warned(['node', 'add', 'c3', '--profile', 'pn', '--image', 'd1']), '', 'no --p2p given: nothing to say');
    assert.match(await warned(['profile', 'set', 'pn', '--p2p']), warning, "c3 boots d1 and now has pn's p2p");
    const shown = await t.cli(['node', 'show', 'c3', '--json']);
    assert.equal((JSON.parse(shown.stdout) as { attributes: { p2p?: boolean } }).attributes.p2p, true, 'the choice is kept');
  } finally {
    await t.cleanup();
  }
});
