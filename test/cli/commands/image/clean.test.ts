import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTempRoot } from '../../../helpers/temp-root.js';

test('image clean --force of a booted image says which nodes it unassigned, in text and JSON', async () => {
  const t = await makeTempRoot();
  try {
    for (const name of ['a', 'b']) assert.equal((await t.cli(['demo', 'create', name, '--message', 'm'])).exitCode, 0);
    assert.equal((await t.cli(['boot', 'set', 'n[1-3]', 'a'])).exitCode, 0);
    assert.equal((await t.cli(['boot', 'set', 'n9', 'b'])).exitCode, 0);

    const refused = await t.cli(['image', 'clean', 'a', '--yes']);
    assert.equal(refused.exitCode, 1, 'a booted image needs --force');
    const cleaned = await t.cli(['image', 'clean', 'a', '--force', '--yes']);
    assert.equal(cleaned.exitCode, 0, cleaned.stderr);
    assert.match(cleaned.stdout, /^image a cleaned; unassigned 3 node\(s\) that booted it: n\[1-3\]$/m);

    const json = await t.cli(['--json', 'image', 'clean', 'b', '--force', '--yes']);
    assert.equal(json.exitCode, 0, json.stderr);
    assert.deepEqual(JSON.parse(json.stdout), { cleaned: ['b'], unassignedNodes: 'n9', unassignedNodeCount: 1 });
  } finally {
    await t.cleanup();
  }
});
