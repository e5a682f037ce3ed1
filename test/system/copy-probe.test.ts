/**
 * The copy-mode probe file of a killed command is recognised as stale, so the
 * next node-tree command sweeps it; a running process's probe is left alone.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { isStaleProbe } from '../../src/system/copy-tree.js';

test('a probe file of a process that no longer runs is stale; our own, a live process\'s and other names are not', async () => {
  const child = spawn(process.execPath, ['-e', '0']);
  await once(child, 'exit');
  const dead = child.pid as number;
  assert.equal(isStaleProbe(`.reflink-probe-${dead}-0a1b2c3d`), true);
  assert.equal(isStaleProbe(`.reflink-probe-${dead}-0a1b2c3d.clone`), true);
  assert.equal(isStaleProbe(`.reflink-probe-${process.pid}-0a1b2c3d`), false, 'this process may be probing');
  assert.equal(isStaleProbe(`.reflink-probe-${process.ppid}-0a1b2c3d`), false, 'a live process may be probing');
  assert.equal(isStaleProbe(`.reflink-probe-${dead}-0a1b2c3d-extra`), false);
  assert.equal(isStaleProbe('n001'), false);
});
