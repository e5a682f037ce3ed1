/**
 * The copy-mode probe file of a killed command is recognised by its name, so
 * the next node-tree command can sweep it once its process is gone (the
 * reconcile in modules/nfs/node-trees.ts pairs this with pidExists).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { probeFilePid } from '../../src/system/copy-tree.js';
import { pidExists } from '../../src/core/state/process-identity.js';

test('a probe file names the process that made it; a process that no longer runs is told apart from ours and a live one', async () => {
  const child = spawn(process.execPath, ['-e', '0']);
  await once(child, 'exit');
  const dead = child.pid as number;
  assert.equal(probeFilePid(`.reflink-probe-${dead}-0a1b2c3d`), dead);
  assert.equal(probeFilePid(`.reflink-probe-${dead}-0a1b2c3d.clone`), dead);
  assert.equal(pidExists(dead), false, 'the probe of a finished process is stale');
  assert.equal(pidExists(process.pid), true, 'this process may be probing');
  assert.equal(pidExists(process.ppid), true, 'a live process may be probing');
  assert.equal(probeFilePid(`.reflink-probe-${dead}-0a1b2c3d-extra`), undefined);
  assert.equal(probeFilePid('n001'), undefined);
});
