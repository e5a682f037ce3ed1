import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempRoot, type TempRoot } from '../helpers/temp-root.js';

async function listed(t: TempRoot): Promise<{ name: string; status: string; reason?: string }[]> {
  const result = await t.cli(['image', 'list', '--json']);
  assert.equal(result.exitCode, 0, result.stderr);
  return JSON.parse(result.stdout) as { name: string; status: string; reason?: string }[];
}

test('one bad byte in image_data.yml of a booted image: DAMAGED, listed with the reason, kept by the next command with its boot assignments', async () => {
  const t = await makeTempRoot();
  try {
    assert.equal((await t.cli(['demo', 'create', 'a', '--message', 'm'])).exitCode, 0);
    assert.equal((await t.cli(['boot', 'set', 'n[1-3]', 'a'])).exitCode, 0);
    const { paths } = await t.services();
    const dataFile = join(paths.imageDir('a'), 'image_data.yml');
    const bytes = await readFile(dataFile);
    bytes[bytes.indexOf(':')] = 0x7b; // "image_data{": no longer a mapping
    await writeFile(dataFile, bytes);

    const other = await t.cli(['demo', 'create', 'other', '--message', 'm']);
    assert.equal(other.exitCode, 0, other.stderr);
    assert.doesNotMatch(other.stderr, /cleaned/, 'nothing is cleaned automatically');
    assert.ok(existsSync(dataFile), 'the damaged image is kept');
    const a = (await listed(t)).find((i) => i.name === 'a');
    assert.equal(a?.status, 'DAMAGED');
    assert.match(a?.reason ?? '', /image_data\.yml/);
    const text = await t.cli(['image', 'list']);
    assert.match(text.stdout, /^a\s+-\s+DAMAGED \(.*image_data\.yml/m, 'one row, with the reason');
    assert.match((await t.cli(['image', 'show', 'a'])).stdout, /^Image a\n.*\n {2}status +DAMAGED\n {2}damaged +.*image_data\.yml/);
    assert.match((await t.cli(['boot', 'list'])).stdout, /a\s+3\s+n\[1-3\]/, 'its nodes still boot it');
    assert.deepEqual((await readdir(paths.bootNodesDir)).filter((n) => n.endsWith('.ipxe')).sort(), ['n1.ipxe', 'n2.ipxe', 'n3.ipxe']);

    for (const args of [['image', 'clean', 'a', '--yes'], ['image', 'remove', 'a', '--yes']]) {
      const refused = await t.cli(args);
      assert.equal(refused.exitCode, 1, args.join(' '));
      assert.match(refused.stderr, /^disklessset: image "a" is DAMAGED .*--force`\n$/);
      assert.ok(existsSync(dataFile));
    }
    const forced = await t.cli(['image', 'remove', 'a', '--yes', '--force']);
    assert.equal(forced.exitCode, 0, forced.stderr);
    assert.ok(!existsSync(paths.imageDir('a')));
    assert.deepEqual((await listed(t)).map((i) => i.name), ['other']);
    assert.deepEqual((await readdir(paths.bootNodesDir)).filter((n) => n.endsWith('.ipxe')), [], 'the assignments of the removed image go with it');
  } finally {
    await t.cleanup();
  }
});

test('image clean of an image that nodes boot needs --force', async () => {
  const t = await makeTempRoot();
  try {
    assert.equal((await t.cli(['demo', 'create', 'c', '--message', 'm'])).exitCode, 0);
    assert.equal((await t.cli(['boot', 'set', 'n1', 'c'])).exitCode, 0);
    const refused = await t.cli(['image', 'clean', 'c', '--yes']);
    assert.equal(refused.exitCode, 1);
    assert.match(refused.stderr, /still booted by 1 node: n1.*--force/);
    assert.equal((await listed(t))[0]?.status, 'CREATED');
    const forced = await t.cli(['image', 'clean', 'c', '--yes', '--force']);
    assert.equal(forced.exitCode, 0, forced.stderr);
    assert.deepEqual(await listed(t), []);
    assert.match((await t.cli(['boot', 'list'])).stdout, /No boot assignments/);
  } finally {
    await t.cleanup();
  }
});

test('a removal killed half-way is finished by the next changing command, with a notice', async () => {
  const t = await makeTempRoot();
  try {
    assert.equal((await t.cli(['demo', 'create', 'r', '--message', 'm'])).exitCode, 0);
    const { paths, installations } = await t.services();
    // What a kill after registering the removal and deleting the data file leaves (pid above Linux's limit: dead).
    await installations.update((entries) => { entries.r = { pid: 4194305, image_class: 'DemoImage', operation: 'removal' }; });
    await writeFile(join(paths.imageDir('r'), 'image_data.yml'), '');
    assert.equal((await listed(t))[0]?.status, 'CORRUPTED');
    const next = await t.cli(['demo', 'create', 's', '--message', 'm']);
    assert.equal(next.exitCode, 0, next.stderr);
    assert.match(next.stderr, /cleaned leftovers of killed removal r/);
    assert.deepEqual((await listed(t)).map((i) => i.name), ['s']);
  } finally {
    await t.cleanup();
  }
});
