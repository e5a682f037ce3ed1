/**
 * Listings for humans: `image list` is one row per image (whatever its
 * attributes hold), `image show` groups attributes and gives units, `boot
 * show` says which image each node boots.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTempRoot } from '../helpers/temp-root.js';

test('image list: one row per image with type, status, kernel, size, build time to the minute and nodes, even for a multi-line message', async () => {
  const t = await makeTempRoot('legacy-v1-root');
  try {
    // Before any changing command cleans it, the killed build of the fixture is listed with its creator.
    assert.match((await t.cli(['image', 'list'])).stdout, /^broken_build +NfsStagingImage +CORRUPTED \(pid 999999\) +- +- +- +-$/m);
    assert.equal((await t.cli(['demo', 'create', 'note', '--message', 'first line\nsecond line\n\tthird'])).exitCode, 0);
    assert.equal((await t.cli(['boot', 'set', 'c[001-002]', 'demo1'])).exitCode, 0);
    const listed = await t.cli(['image', 'list']);
    assert.equal(listed.exitCode, 0, listed.stderr);
    const lines = listed.stdout.trimEnd().split('\n');
    assert.match(lines[0] ?? '', /^NAME +TYPE +STATUS +KERNEL +SIZE +BUILT +NODES$/);
    const images = ['compute_golden', 'compute_staging', 'demo1', 'note', 'space_image'];
    assert.deepEqual(lines.slice(1).map((line) => line.split(/ +/)[0]).sort(), images, 'exactly one row per image');
    const row = (name: string) => lines.find((line) => line.startsWith(`${name} `)) ?? '';
    assert.match(row('space_image'), /^space_image +LivenetImage +CREATED +vmlinuz-4\.18\.0-147\.el8\.x86_64 +\d+(\.\d)? (B|KiB|MiB) +\d{4}-\d\d-\d\d \d\d:\d\d UTC +-$/);
    assert.match(row('demo1'), /^demo1 +DemoImage +CREATED +- +- +\d{4}-\d\d-\d\d \d\d:\d\d UTC +2 \(c\[001-002\]\)$/);
    assert.match(row('note'), /^note +DemoImage +CREATED +- +- +\d{4}-\d\d-\d\d \d\d:\d\d UTC +-$/);
    // Columns line up: every row starts its TYPE where the header does.
    const typeColumn = (lines[0] ?? '').indexOf('TYPE');
    for (const line of lines.slice(1)) assert.match(line.slice(typeColumn), /^\S/, line);
  } finally {
    await t.cleanup();
  }
});

test('image show groups the attributes and gives every size its unit', async () => {
  const t = await makeTempRoot('legacy-v1-root');
  try {
    const shown = await t.cli(['image', 'show', 'space_image']);
    assert.equal(shown.exitCode, 0, shown.stderr);
    const text = shown.stdout;
    assert.match(text, /^Image space_image\n {2}type +LivenetImage\n {2}status +CREATED\n/);
    assert.match(text, /^Boot\n {2}kernel +vmlinuz-4\.18\.0-147\.el8\.x86_64\n {2}initramfs +initramfs-kernel-4\.18\.0-147\.el8\.x86_64\n {2}nodes booting it +-$/m);
    assert.match(text, /^Attributes$/m);
    assert.match(text, /^ {2}livenet size +1500 MiB$/m, 'the root file system size says MiB');
    assert.match(text, /^ {2}additional packages +vim, htop$/m);
    assert.match(text, /^ {2}password +<redacted>$/m);
    assert.doesNotMatch(text, /\$6\$/);
    const golden = (await t.cli(['image', 'show', 'compute_golden'])).stdout;
    assert.match(golden, /^ {2}node trees +3 \(c\[001-003\]\)$/m);
  } finally {
    await t.cleanup();
  }
});

test('boot show answers which image each node boots, a dash for a node with none', async () => {
  const t = await makeTempRoot('legacy-v1-root');
  try {
    assert.equal((await t.cli(['demo', 'create', 'note', '--message', 'm'])).exitCode, 0);
    assert.equal((await t.cli(['boot', 'set', 'c[001-002]', 'demo1'])).exitCode, 0);
    assert.equal((await t.cli(['boot', 'set', 'c003', 'note'])).exitCode, 0);
    const shown = await t.cli(['boot', 'show', 'c[001-004]']);
    assert.equal(shown.exitCode, 0, shown.stderr);
    assert.deepEqual(shown.stdout.trimEnd().split('\n').map((line) => line.split(/ +/)), [
      ['NODE', 'IMAGE'], ['c001', 'demo1'], ['c002', 'demo1'], ['c003', 'note'], ['c004', '-']]);
    const bad = await t.cli(['boot', 'show', 'c[1-']);
    assert.equal(bad.exitCode, 2, 'a bad node set is a usage error');
  } finally {
    await t.cleanup();
  }
});
