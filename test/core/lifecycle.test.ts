import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempRoot } from '../helpers/temp-root.js';

test('demo image life cycle through the CLI: create, list, show, remove', async () => {
  const t = await makeTempRoot();
  try {
    const created = await t.cli(['demo', 'create', 'demo-1', '--message', 'hello cluster']);
    assert.equal(created.exitCode, 0, created.stderr);
    const services = await t.services();
    const imageDir = services.paths.imageDir('demo-1');
    assert.match(await readFile(join(imageDir, 'image_data.yml'), 'utf8'), /^image_data:\n/);
    assert.ok(existsSync(join(imageDir, 'boot.ipxe')));

    const listed = JSON.parse((await t.cli(['image', 'list', '--json'])).stdout) as Record<string, unknown>[];
    assert.equal(listed.length, 1);
    assert.equal(listed[0]?.name, 'demo-1');
    assert.equal(listed[0]?.status, 'CREATED');
    assert.equal(listed[0]?.imageClass, 'DemoImage');
    assert.equal((listed[0]?.attributes as Record<string, unknown>).myMessage, 'hello cluster');

    const shown = await t.cli(['image', 'show', 'demo-1']);
    assert.match(shown.stdout, /^ {2}my message +hello cluster$/m);

    const refused = await t.cli(['image', 'remove', 'demo-1']);
    assert.equal(refused.exitCode, 2, 'removal without --yes from a script is refused');
    assert.ok(existsSync(imageDir));

    const removed = await t.cli(['image', 'remove', 'demo-1', '--yes']);
    assert.equal(removed.exitCode, 0, removed.stderr);
    assert.ok(!existsSync(imageDir));
    assert.deepEqual(await readdir(services.paths.demoDir).then((e) => e.filter((n) => n.startsWith('demo_directory')), () => []), []);
    assert.deepEqual(JSON.parse((await t.cli(['image', 'list', '--json'])).stdout), []);
  } finally {
    await t.cleanup();
  }
});

test('errors are one line with exit codes 1 (failed) and 2 (usage)', async () => {
  const t = await makeTempRoot();
  try {
    const missing = await t.cli(['image', 'show', 'nope']);
    assert.equal(missing.exitCode, 1);
    assert.equal(missing.stderr.trim().split('\n').length, 1);
    assert.match(missing.stderr, /image "nope" does not exist/);
    const unknown = await t.cli(['image', 'frobnicate']);
    assert.equal(unknown.exitCode, 2);
    const badOption = await t.cli(['image', 'list', '--bogus']);
    assert.equal(badOption.exitCode, 2);
    assert.match(badOption.stderr, /unknown option --bogus/);
    const noMessage = await t.cli(['demo', 'create', 'x']);
    assert.equal(noMessage.exitCode, 2);
    assert.doesNotMatch(noMessage.stderr, /\n\s+at /, 'no stack trace without --debug');
  } finally {
    await t.cleanup();
  }
});

test('a second image of the same name is refused and the first is untouched', async () => {
  const t = await makeTempRoot();
  try {
    assert.equal((await t.cli(['demo', 'create', 'twin', '--message', 'first'])).exitCode, 0);
    const again = await t.cli(['demo', 'create', 'twin', '--message', 'second']);
    assert.equal(again.exitCode, 1);
    assert.match(again.stderr, /already exists/);
    const shown = JSON.parse((await t.cli(['image', 'show', 'twin', '--json'])).stdout) as { attributes: Record<string, unknown> };
    assert.equal(shown.attributes.myMessage, 'first');
  } finally {
    await t.cleanup();
  }
});

test('image rebuild refuses classes without a recipe', async () => {
  const t = await makeTempRoot();
  try {
    assert.equal((await t.cli(['demo', 'create', 'norecipe', '--message', 'm'])).exitCode, 0);
    const refused = await t.cli(['image', 'rebuild', 'norecipe']);
    assert.equal(refused.exitCode, 2);
    assert.match(refused.stderr, /cannot be rebuilt/);
  } finally {
    await t.cleanup();
  }
});
