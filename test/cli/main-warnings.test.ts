/** Warnings of a command: shown once, whether the work already reported them as progress or not. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTempRoot } from '../helpers/temp-root.js';
import { addDummyKernel, makeBusyboxTree, TEST_KERNEL } from '../helpers/livenet-fixtures.js';
import { sha512Crypt } from '../../src/core/os/password.js';

test('livenet create and rebuild print the initramfs warning once, not again after the answer', async () => {
  const t = await makeTempRoot();
  try {
    const services = await t.services();
    await addDummyKernel(services.paths.kernelsDir);
    const tree = await makeBusyboxTree(t.root);
    const create = await t.cli(['livenet', 'create', 'warn1', '--kernel', TEST_KERNEL, '--source', `dir:${tree}`,
      '--password-hash', sha512Crypt('pw'), '--layout', 'flat']);
    assert.equal(create.exitCode, 0, create.stderr);
    const rebuild = await t.cli(['livenet', 'rebuild', 'warn1']);
    assert.equal(rebuild.exitCode, 0, rebuild.stderr);
    for (const run of [create, rebuild]) {
      const initramfsWarnings = run.stderr.split('\n').filter((line) => line.startsWith('warning:') && line.includes('initramfs-kernel-'));
      assert.equal(initramfsWarnings.length, 1, run.stderr);
    }
  } finally {
    await t.cleanup();
  }
});
