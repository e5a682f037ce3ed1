/**
 * Publishing a version whose files are partly gone: only what is missing is
 * made again, the record keeps its history, and no temporary name is left.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { Paths } from '../../../src/core/paths.js';
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

test('a version id covers the boot file: a change to it alone is a new version, and an id always names the same bytes', async () => {
  const { t, s, dir } = await builtImage('versions_kept: 1\n');
  try {
    const first = (await s.images.get('v1')).data.version as string;
    const firstBoot = await readFile(join(dir, `boot-${first}.ipxe`), 'utf8');
    const same = await t.cli(['image', 'rebuild', 'v1', '--json']);
    assert.equal(same.exitCode, 0, same.stderr);
    assert.equal((JSON.parse(same.stdout) as { unchanged?: boolean }).unchanged, true, 'nothing changed: no new version');

    await writeFile(Paths.configFile(t.root), 'versions_kept: 1\ndefault_console: console=ttyS1,9600\n');
    const changed = await t.cli(['image', 'rebuild', 'v1', '--json']);
    assert.equal(changed.exitCode, 0, changed.stderr);
    const second = (await s.images.get('v1')).data.version as string;
    assert.notEqual(second, first, 'a boot file with another console is another version');
    assert.match(await readFile(join(dir, `boot-${second}.ipxe`), 'utf8'), /console=ttyS1,9600/);
    assert.ok(!(await readdir(dir)).includes(`boot-${first}.ipxe`), 'the first version was pruned (versions_kept 1)');

    await writeFile(Paths.configFile(t.root), 'versions_kept: 1\n');
    const back = await t.cli(['image', 'rebuild', 'v1']);
    assert.equal(back.exitCode, 0, back.stderr);
    assert.equal((await s.images.get('v1')).data.version, first, 'the same inputs give the same id again');
    assert.equal(await readFile(join(dir, `boot-${first}.ipxe`), 'utf8'), firstBoot, 'and the very same bytes under it');
  } finally {
    await t.cleanup();
  }
});
