/** The last guard of system/chroot.ts: the host's own root is never a chroot tree. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bindSystemDirs, unbindSystemDirs } from '../../src/system/chroot.js';

// Safe to run: the guard is the first statement of both helpers, before any umount or mount.
test('bindSystemDirs and unbindSystemDirs refuse / and a link to it, leaving the mounts as they were', async () => {
  const outside = await mkdtemp(join(tmpdir(), 'disklessset-chroot-root-'));
  try {
    await symlink('/', join(outside, 'host'));
    const before = await readFile('/proc/self/mountinfo', 'utf8');
    for (const tree of ['/', join(outside, 'host'), '/usr/..']) {
      await assert.rejects(bindSystemDirs(tree), { code: 'E_UNSAFE_PATH' });
      await assert.rejects(unbindSystemDirs(tree), { code: 'E_UNSAFE_PATH' });
    }
    assert.equal(await readFile('/proc/self/mountinfo', 'utf8'), before);
  } finally {
    await rm(outside, { recursive: true, force: true });
  }
});
