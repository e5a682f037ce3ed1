import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTempRoot } from '../../../helpers/temp-root.js';

test('image remove --force says which nodes it unassigned, as a folded node set and a count, in text and JSON', async () => {
  const t = await makeTempRoot();
  try {
    for (const name of ['booted', 'spare', 'free']) assert.equal((await t.cli(['demo', 'create', name, '--message', 'm'])).exitCode, 0);
    assert.equal((await t.cli(['boot', 'set', 'c[001-060]', 'booted'])).exitCode, 0);
    assert.equal((await t.cli(['boot', 'set', 'c[061-062]', 'spare'])).exitCode, 0);

    const refused = await t.cli(['image', 'remove', 'booted', '--yes']);
    assert.equal(refused.exitCode, 1, 'a booted image needs --force');
    const removed = await t.cli(['image', 'remove', 'booted', '--force', '--yes']);
    assert.equal(removed.exitCode, 0, removed.stderr);
    assert.match(removed.stdout, /^image booted removed; unassigned 60 nodes that booted it: c\[001-060\]$/m);
    const list = JSON.parse((await t.cli(['--json', 'boot', 'list'])).stdout) as unknown;
    assert.ok(!JSON.stringify(list).includes('booted'), 'the nodes no longer boot the removed image');

    const json = await t.cli(['--json', 'image', 'remove', 'spare', '--force', '--yes']);
    assert.equal(json.exitCode, 0, json.stderr);
    assert.deepEqual(JSON.parse(json.stdout), { name: 'spare', removed: true, unassignedNodes: 'c[061-062]', unassignedNodeCount: 2 });

    const quiet = await t.cli(['--json', 'image', 'remove', 'free', '--yes']);
    assert.deepEqual(JSON.parse(quiet.stdout), { name: 'free', removed: true, unassignedNodes: '', unassignedNodeCount: 0 });
    const plain = await t.cli(['demo', 'create', 'again', '--message', 'm']);
    assert.equal(plain.exitCode, 0);
    const removedPlain = await t.cli(['image', 'remove', 'again', '--yes']);
    assert.doesNotMatch(removedPlain.stdout, /unassigned/, 'nothing is said when no node lost its image');
  } finally {
    await t.cleanup();
  }
});
