import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inSlices } from '../../../src/core/state/file-batches.js';

test('inSlices: every item of a set larger than one slice is handled once, in order', async () => {
  const folder = await mkdtemp(join(tmpdir(), 'disklessset-slices-'));
  try {
    const names = Array.from({ length: 1234 }, (_, i) => `f${String(i).padStart(4, '0')}`);
    const seen: string[] = [];
    await inSlices(names, (name) => { seen.push(name); writeFileSync(join(folder, name), name, { flag: 'wx' }); });
    assert.deepEqual(seen, names);
    assert.deepEqual((await readdir(folder)).sort(), names);
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
});

test('inSlices: the first error stops the run and is thrown; later items are not touched', async () => {
  const folder = await mkdtemp(join(tmpdir(), 'disklessset-slices-'));
  try {
    const names = Array.from({ length: 600 }, (_, i) => `f${String(i).padStart(3, '0')}`);
    writeFileSync(join(folder, 'f300'), 'already there');
    await assert.rejects(inSlices(names, (name) => { writeFileSync(join(folder, name), name, { flag: 'wx' }); }), { code: 'EEXIST' });
    assert.equal(existsSync(join(folder, 'f299')), true);
    assert.equal(existsSync(join(folder, 'f301')), false);
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
});
