import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { makeTempRoot } from '../helpers/temp-root.js';

test('16 concurrent creations in separate processes lose nothing', async () => {
  const t = await makeTempRoot();
  try {
    const names = Array.from({ length: 16 }, (_, i) => `para-${i}`);
    const results = await Promise.all(names.map((name) => t.cliProcess(['demo', 'create', name, '--message', name])));
    for (const result of results) assert.equal(result.exitCode, 0, result.stderr);
    const listed = JSON.parse((await t.cli(['image', 'list', '--json'])).stdout) as { name: string; status: string }[];
    assert.deepEqual(listed.map((i) => i.name).sort(), [...names].sort());
    assert.ok(listed.every((i) => i.status === 'CREATED'));
    const { paths } = await t.services();
    assert.equal((await readFile(paths.installationsFile, 'utf8')).trim(), '', 'no build left registered');
  } finally {
    await t.cleanup();
  }
});

test('concurrent creations of one name: exactly one wins', async () => {
  const t = await makeTempRoot();
  try {
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => t.cliProcess(['demo', 'create', 'same', '--message', `try ${i}`])));
    assert.equal(results.filter((r) => r.exitCode === 0).length, 1);
    const listed = JSON.parse((await t.cli(['image', 'list', '--json'])).stdout) as { name: string; status: string }[];
    assert.deepEqual(listed.map((i) => [i.name, i.status]), [['same', 'CREATED']]);
  } finally {
    await t.cleanup();
  }
});
