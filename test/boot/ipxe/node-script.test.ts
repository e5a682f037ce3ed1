import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { nodeScriptPath } from '../../../src/boot/index.js';
import { rootWithDemoImages } from '../../helpers/inventory.js';
import { REPO_ROOT } from '../../helpers/temp-root.js';

test('a node\'s effective kernelArgs reach its published script, and changing them republishes it alone', async () => {
  const { t, paths } = await rootWithDemoImages('a');
  try {
    assert.equal((await t.cli(['profile', 'add', 'compute', '--image', 'a', '--kernel-args', 'console=ttyS0 quiet'])).exitCode, 0);
    assert.equal((await t.cli(['node', 'add', 'c[01-02]', '--profile', 'compute'])).exitCode, 0);
    const script = async (node: string): Promise<string> => readFile(nodeScriptPath(paths, node), 'utf8');
    assert.match(await script('c01'), /\nset diskless-kernel-args console=ttyS0 quiet\nchain /, 'inherited from the profile');
    const first = await readlink(paths.bootNodesDir);

    const changed = await t.cli(['node', 'set', 'c01', '--kernel-args', 'console=ttyS1,115200 rd.shell=0']);
    assert.equal(changed.exitCode, 0, changed.stderr);
    assert.notEqual(await readlink(paths.bootNodesDir), first, 'a new generation is published');
    assert.match(await script('c01'), /\nset diskless-kernel-args console=ttyS1,115200 rd\.shell=0\n/, 'the node\'s own value wins');
    assert.match(await script('c02'), /\nset diskless-kernel-args console=ttyS0 quiet\n/);

    assert.equal((await t.cli(['node', 'set', 'c01', '--unset-kernel-args'])).exitCode, 0);
    assert.match(await script('c01'), /set diskless-kernel-args console=ttyS0 quiet\n/, 'back to the profile\'s');
    assert.equal((await t.cli(['profile', 'set', 'compute', '--unset-kernel-args'])).exitCode, 0);
    assert.doesNotMatch(await script('c02'), /set diskless-kernel-args/, 'no arguments: none set');
    assert.match(await script('c02'), /\nclear diskless-kernel-args\n/, 'and none carried over from a script chained before');
  } finally {
    await t.cleanup();
  }
});

test('the livenet and NFS boot files end their kernel line with the node\'s arguments, so they win over the site\'s', async () => {
  for (const name of ['livenet-liveos.ipxe', 'nfs-golden.ipxe', 'nfs-staging.ipxe']) {
    const text = await readFile(join(REPO_ROOT, 'test', 'boot', 'golden', name), 'utf8');
    const kernel = text.split('\n').find((line) => line.startsWith('kernel '));
    assert.ok(kernel?.endsWith(' ${diskless-kernel-args}'), `${name}: ${kernel}`);
  }
});

test('kernelArgs that iPXE would act on are refused from options and API-shaped input, and a hand edit holding them is not published', async () => {
  const { t, paths } = await rootWithDemoImages('a');
  try {
    assert.equal((await t.cli(['node', 'add', 'c01', '--image', 'a', '--kernel-args', 'quiet'])).exitCode, 0);
    const before = await readFile(paths.inventoryFile, 'utf8');
    const published = await readFile(nodeScriptPath(paths, 'c01'), 'utf8');
    for (const hostile of ['quiet ${root-path}', 'quiet\nchain http://elsewhere/', 'quiet ; shell', 'quiet || shell', 'quiet && shell', 'quiet #', 'a="b c"', 'a\\b']) {
      for (const args of [['node', 'set', 'c01', '--kernel-args', hostile], ['profile', 'add', 'p', '--kernel-args', hostile]]) {
        const result = await t.cli(args);
        assert.equal(result.exitCode, 2, `${JSON.stringify(hostile)}: ${result.stderr}`);
        assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
        assert.match(result.stderr, /kernelArgs/);
      }
    }
    assert.equal(await readFile(paths.inventoryFile, 'utf8'), before, 'nothing written');
    // A hand edit: the inventory is refused as a whole, and the script stays as published.
    await writeFile(paths.inventoryFile, before.replace('kernelArgs: quiet', 'kernelArgs: "quiet ${x}"'));
    const listed = await t.cli(['boot', 'list']);
    assert.notEqual(listed.exitCode, 0);
    assert.match(listed.stderr, /kernelArgs/);
    assert.equal(await readFile(nodeScriptPath(paths, 'c01'), 'utf8'), published);
  } finally {
    await t.cleanup();
  }
});
