import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempRoot } from '../helpers/temp-root.js';
import { run } from '../../src/system/runner.js';
import { generationsDir } from '../../src/boot/boot-paths.js';
import { writeAssignedInventory } from '../helpers/inventory.js';

test('a repair that fails for lack of space adds no line before a failing command\'s own error, and is told when a command succeeds', async () => {
  const t = await makeTempRoot();
  let mounted: string | undefined;
  try {
    assert.equal((await t.cli(['demo', 'create', 'a', '--message', 'm'])).exitCode, 0);
    const { paths } = await t.services();
    // What a boot set killed after saving nodes.yml leaves: scripts still to publish from it.
    const nodes = Array.from({ length: 20 }, (_, i) => `n${i + 1}`);
    await writeAssignedInventory(paths, Object.fromEntries(nodes.map((n) => [n, 'a'])));
    const generations = generationsDir(paths);
    await mkdir(generations, { recursive: true });
    await run(['mount', '-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', generations]);
    mounted = generations;
    await run(['dd', 'if=/dev/zero', `of=${join(generations, 'filler')}`, 'bs=4k'], { allowFailure: true });

    const failed = await t.cli(['boot', 'set', 'n50', 'a']);
    assert.equal(failed.exitCode, 1);
    assert.equal(failed.stderr.trim().split('\n').length, 1, failed.stderr);
    assert.match(failed.stderr, /^disklessset: no space left on the file system holding \S+ \(0 MiB free\)/);

    const list = await t.cli(['boot', 'list']);
    assert.equal(list.exitCode, 0);
    assert.match(list.stderr, /could not repair the boot scripts: no space left/);
  } finally {
    if (mounted) await run(['umount', '-l', mounted], { allowFailure: true });
    await t.cleanup();
  }
});
