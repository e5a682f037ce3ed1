import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mount, unmountTree } from '../../src/system/mount.js';
import { REPO_ROOT } from '../helpers/temp-root.js';

interface Sweep {
  removed: string[];
  left: { path: string; why: string }[];
}
type SweepFunction = (dir: string, startedMs?: number, now?: number) => Sweep;

async function sweeper(): Promise<SweepFunction> {
  const module = await import(join(REPO_ROOT, 'scripts', 'sweep-test-roots.mjs')) as { sweepStaleTestRoots: SweepFunction };
  return module.sweepStaleTestRoots;
}

test('run-tests removes only the roots of killed runs: not in use, not kept, nothing mounted in them', async () => {
  const sweepStaleTestRoots = await sweeper();
  const dir = await mkdtemp(join(tmpdir(), 'disklessset-sweep-'));
  const mountedRoot = join(dir, 'disklessset-test-99999999-Mnt000');
  try {
    // pid 99999999 is above Linux's pid_max: that process is certainly gone.
    const dead = join(dir, 'disklessset-test-99999999-Dead00');
    const running = join(dir, `disklessset-test-${process.pid}-Live00`);
    const kept = join(dir, 'disklessset-test-99999999-Kept00');
    const recent = join(dir, 'disklessset-test-99999999-New000');
    const oldEmpty = join(dir, 'disklessset-test-Old000');
    const oldFull = join(dir, 'disklessset-test-Old001');
    const other = join(dir, 'something-else');
    for (const root of [dead, running, kept, recent, oldEmpty, oldFull, other, mountedRoot]) await mkdir(join(root, 'var'), { recursive: true });
    await rm(join(oldEmpty, 'var'), { recursive: true });
    await writeFile(join(kept, '.kept-for-debugging'), 'kept\n');
    const source = join(dir, 'bound-source');
    await mkdir(source);
    await writeFile(join(source, 'precious'), 'must survive');
    await mount(['--bind', source, join(mountedRoot, 'var')]);
    // This run "started" an hour ago: \`recent\` (made just now) is newer, the others older.
    const started = Date.now() - 3600_000;
    const old = new Date(started - 3600_000);
    for (const root of [dead, running, kept, oldEmpty, oldFull, other, mountedRoot]) await utimes(root, old, old);

    const { removed, left } = sweepStaleTestRoots(dir, started);
    assert.deepEqual(removed.sort(), [dead, oldEmpty].sort());
    const why = Object.fromEntries(left.map((entry) => [entry.path, entry.why]));
    assert.deepEqual(why, {
      [running]: 'its process is still running',
      [kept]: 'kept for debugging',
      [recent]: 'newer than this run',
      [oldFull]: 'made by an older helper, not empty or recent',
      [mountedRoot]: 'something is mounted in it',
    });
    assert.deepEqual((await readdir(dir)).sort(), ['bound-source', 'disklessset-test-99999999-Kept00', 'disklessset-test-99999999-Mnt000',
      'disklessset-test-99999999-New000', `disklessset-test-${process.pid}-Live00`, 'disklessset-test-Old001', 'something-else'].sort());
    assert.deepEqual(await readdir(source), ['precious']);
  } finally {
    await unmountTree(mountedRoot);
    await rm(dir, { recursive: true, force: true });
  }
});
