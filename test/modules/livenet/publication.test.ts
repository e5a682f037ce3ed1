/**
 * Publishing a version whose files are partly gone: only what is missing is
 * made again, the record keeps its history, and no temporary name is left.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { resizeLivenet } from '../../../src/modules/livenet/maintenance.js';
import { builtImage } from '../../helpers/livenet-fixtures.js';

test('rolling back to a version whose boot file was deleted makes only the boot file again', async () => {
  const { t, s, dir } = await builtImage();
  try {
    const first = (await s.images.get('v1')).data.version as string;
    const [before] = await s.images.history(`v1@${first}`);
    const bootBefore = await readFile(join(dir, `boot-${first}.ipxe`), 'utf8');
    await resizeLivenet(s, 'v1', 150);
    await rm(join(dir, `boot-${first}.ipxe`));
    const rolled = await t.cli(['image', 'rollback', 'v1', '--to', first]);
    assert.equal(rolled.exitCode, 0, rolled.stderr);
    const [after] = await s.images.history(`v1@${first}`);
    assert.deepEqual({ ...after, current: undefined }, { ...before, current: undefined }, 'the record keeps its date, command and sizes');
    assert.equal(await readFile(join(dir, `boot-${first}.ipxe`), 'utf8'), bootBefore);
    assert.equal((await stat(join(dir, 'boot.ipxe'))).ino, (await stat(join(dir, `boot-${first}.ipxe`))).ino);
    assert.deepEqual((await readdir(dir)).filter((file) => file.includes('.tmp')), [], 'no temporary file left');
    const next = await t.cli(['image', 'list']);
    assert.equal(next.stderr, '', 'nothing for the next command to clean');
  } finally {
    await t.cleanup();
  }
});
