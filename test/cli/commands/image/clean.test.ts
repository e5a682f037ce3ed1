import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { stringify } from 'yaml';
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
    assert.match(cleaned.stdout, /^image a cleaned; unassigned 3 nodes that booted it: n\[1-3\]$/m);

    const json = await t.cli(['--json', 'image', 'clean', 'b', '--force', '--yes']);
    assert.equal(json.exitCode, 0, json.stderr);
    assert.deepEqual(JSON.parse(json.stdout), { cleaned: ['b'], unassignedNodes: 'n9', unassignedNodeCount: 1 });
  } finally {
    await t.cleanup();
  }
});

test('the automatic clean of a killed forced removal names the nodes it unassigned', async () => {
  const t = await makeTempRoot();
  try {
    assert.equal((await t.cli(['demo', 'create', 'half', '--message', 'm'])).exitCode, 0);
    assert.equal((await t.cli(['boot', 'set', 'n[1-2]', 'half'])).exitCode, 0);
    // A `remove --force` killed after registering (pid 1 with a start time that cannot match): the image is CORRUPTED.
    const { paths } = await t.services();
    await writeFile(paths.installationsFile, stringify({ half: { pid: 1, image_class: 'DemoImage', start_time: 1, operation: 'removal' } }));
    const next = await t.cli(['demo', 'create', 'other', '--message', 'm']);
    assert.equal(next.exitCode, 0, next.stderr);
    assert.match(next.stderr, /cleaned leftovers of killed removal half; unassigned 2 nodes that booted it: n\[1-2\]/);
    assert.deepEqual(JSON.parse((await t.cli(['--json', 'boot', 'list'])).stdout), [], 'no node boots the vanished image');
  } finally {
    await t.cleanup();
  }
});

test('creating over a CORRUPTED image (a killed build) says it is corrupted and names image clean', async () => {
  const t = await makeTempRoot();
  try {
    assert.equal((await t.cli(['demo', 'create', 'big', '--message', 'm'])).exitCode, 0);
    // A build of "big" killed after registering (pid 1 with a start time that cannot match).
    const { paths } = await t.services();
    await writeFile(paths.installationsFile, stringify({ big: { pid: 1, image_class: 'DemoImage', start_time: 1 } }));
    const again = await t.cli(['livenet', 'create', 'big', '--kernel', 'none', '--source', 'dir:/nonexistent']);
    assert.notEqual(again.exitCode, 0);
    assert.match(again.stderr, /image "big" already exists and is corrupted.*disklessset image clean big/);
  } finally {
    await t.cleanup();
  }
});
