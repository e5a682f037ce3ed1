import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempRoot } from '../helpers/temp-root.js';
import { run } from '../../src/system/runner.js';
import { assertConsistent } from '../helpers/kill-check.js';
import { generationsDir } from '../../src/boot/boot-paths.js';

test('boot set failing on a full disk changes nothing: previous assignments and scripts still served, the unpublished generation removed, no later repair warning', async () => {
  const t = await makeTempRoot();
  let mounted: string | undefined;
  try {
    for (const name of ['a', 'f1']) assert.equal((await t.cli(['demo', 'create', name, '--message', 'm'])).exitCode, 0);
    const { paths } = await t.services();
    // Generations of node scripts are written in nodes.gen: that is where the disk fills up.
    const generations = generationsDir(paths);
    await mkdir(generations, { recursive: true });
    await run(['mount', '-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', generations]);
    mounted = generations;
    assert.equal((await t.cli(['boot', 'set', 'n[1-10]', 'a'])).exitCode, 0);
    const before = await readFile(join(paths.bootNodesDir, 'n3.ipxe'), 'utf8');
    // About 92% full: room for a few dozen scripts, not 3000.
    await run(['dd', 'if=/dev/zero', `of=${join(generations, 'filler')}`, 'bs=4k', 'count=470']);

    const failed = await t.cli(['boot', 'set', 'n[1-3000]', 'f1']);
    assert.equal(failed.exitCode, 1);
    assert.match(failed.stderr, new RegExp(`^disklessset: no space left on the file system holding ${generations} \\(\\d+ MiB free\\): no boot assignment was changed; free space there\\n$`));

    const list = await t.cli(['boot', 'list', '--json']);
    assert.equal(list.exitCode, 0);
    assert.equal(list.stderr, '', 'no repair is left for later commands');
    assert.deepEqual((JSON.parse(list.stdout) as { image: string; nodes: string }[]).map((i) => `${i.image}:${i.nodes}`), ['a:n[1-10]']);
    const scripts = (await readdir(paths.bootNodesDir)).filter((f) => f.endsWith('.ipxe')).sort();
    assert.deepEqual(scripts, Array.from({ length: 10 }, (_, i) => `n${i + 1}.ipxe`).sort(), 'only the previous scripts, no temporary file');
    assert.equal(await readFile(join(paths.bootNodesDir, 'n3.ipxe'), 'utf8'), before, 'a node booting a keeps its script');
    const left = (await readdir(generations)).filter((f) => f !== 'filler');
    assert.ok(left.length <= 2 && left.every((f) => /^\d+$/.test(f)), `only the published generation and its previous one are left: ${left.join(' ')}`);
    await assertConsistent(t.root, paths, 'after the failed boot set');
    const next = await t.cli(['demo', 'create', 'later', '--message', 'm']);
    assert.equal(next.exitCode, 0, next.stderr);
    assert.doesNotMatch(next.stderr, /could not repair/);
  } finally {
    if (mounted) await run(['umount', '-l', mounted], { allowFailure: true });
    await t.cleanup();
  }
});
