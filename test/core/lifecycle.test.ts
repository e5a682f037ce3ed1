import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempRoot } from '../helpers/temp-root.js';
import { runCli } from '../helpers/run-cli.js';

test('demo image life cycle through the CLI: create, list, show, remove', async () => {
  const t = await makeTempRoot();
  try {
    const created = await runCli(['demo', 'create', 'demo-1', '--message', 'hello cluster'], { root: t.root });
    assert.equal(created.exitCode, 0, created.stderr);
    const services = await t.services();
    const imageDir = services.paths.imageDir('demo-1');
    assert.match(await readFile(join(imageDir, 'image_data.yml'), 'utf8'), /^image_data:\n/);
    assert.ok(existsSync(join(imageDir, 'boot.ipxe')));

    const listed = JSON.parse((await runCli(['image', 'list', '--json'], { root: t.root })).stdout) as Record<string, unknown>[];
    assert.equal(listed.length, 1);
    assert.equal(listed[0]?.name, 'demo-1');
    assert.equal(listed[0]?.status, 'CREATED');
    assert.equal(listed[0]?.imageClass, 'DemoImage');
    assert.equal((listed[0]?.attributes as Record<string, unknown>).myMessage, 'hello cluster');

    const shown = await runCli(['image', 'show', 'demo-1'], { root: t.root });
    assert.match(shown.stdout, /^ {2}my message +hello cluster$/m);

    const refused = await runCli(['image', 'remove', 'demo-1'], { root: t.root });
    assert.equal(refused.exitCode, 2, 'removal without --yes from a script is refused');
    assert.ok(existsSync(imageDir));

    const removed = await runCli(['image', 'remove', 'demo-1', '--yes'], { root: t.root });
    assert.equal(removed.exitCode, 0, removed.stderr);
    assert.ok(!existsSync(imageDir));
    assert.deepEqual(await readdir(services.paths.demoDir).then((e) => e.filter((n) => n.startsWith('demo_directory')), () => []), []);
    assert.deepEqual(JSON.parse((await runCli(['image', 'list', '--json'], { root: t.root })).stdout), []);
  } finally {
    await t.cleanup();
  }
});

test('errors are one line with exit codes 1 (failed) and 2 (usage)', async () => {
  const t = await makeTempRoot();
  try {
    const missing = await runCli(['image', 'show', 'nope'], { root: t.root });
    assert.equal(missing.exitCode, 1);
    assert.equal(missing.stderr.trim().split('\n').length, 1);
    assert.match(missing.stderr, /image "nope" does not exist/);
    const unknown = await runCli(['image', 'frobnicate'], { root: t.root });
    assert.equal(unknown.exitCode, 2);
    const badOption = await runCli(['image', 'list', '--bogus'], { root: t.root });
    assert.equal(badOption.exitCode, 2);
    assert.match(badOption.stderr, /unknown option --bogus/);
    const noMessage = await runCli(['demo', 'create', 'x'], { root: t.root });
    assert.equal(noMessage.exitCode, 2);
    assert.doesNotMatch(noMessage.stderr, /\n\s+at /, 'no stack trace without --debug');
  } finally {
    await t.cleanup();
  }
});

test('a second image of the same name is refused and the first is untouched', async () => {
  const t = await makeTempRoot();
  try {
    assert.equal((await runCli(['demo', 'create', 'twin', '--message', 'first'], { root: t.root })).exitCode, 0);
    const again = await runCli(['demo', 'create', 'twin', '--message', 'second'], { root: t.root });
    assert.equal(again.exitCode, 1);
    assert.match(again.stderr, /already exists/);
    const shown = JSON.parse((await runCli(['image', 'show', 'twin', '--json'], { root: t.root })).stdout) as { attributes: Record<string, unknown> };
    assert.equal(shown.attributes.myMessage, 'first');
  } finally {
    await t.cleanup();
  }
});

test('image rebuild refuses classes without a recipe', async () => {
  const t = await makeTempRoot();
  try {
    assert.equal((await runCli(['demo', 'create', 'norecipe', '--message', 'm'], { root: t.root })).exitCode, 0);
    const refused = await runCli(['image', 'rebuild', 'norecipe'], { root: t.root });
    assert.equal(refused.exitCode, 2);
    assert.match(refused.stderr, /cannot be rebuilt/);
  } finally {
    await t.cleanup();
  }
});
