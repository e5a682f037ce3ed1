import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startApi } from '../helpers/api-harness.js';
import { fingerprintTree, makeSentinel } from '../helpers/sentinel.js';

test('image and kernel names in API paths are checked before any lock or file: ..%2F never reaches outside the root', async () => {
  const api = await startApi();
  const sentinel = await makeSentinel();
  try {
    const locks = join(api.services.paths.stateDir, 'locks');
    const traversal = encodeURIComponent(sentinel.relativeFrom(locks, 'victim'));
    assert.match(traversal, /^\.\.%2F/);
    const before = await sentinel.fingerprint();
    const rootBefore = await fingerprintTree(api.root.root);
    const attempts: [string, string, unknown][] = [
      ['PUT', `/api/v1/images/${traversal}/kernel`, { kernel: 'vmlinuz-1' }],
      ['DELETE', `/api/v1/images/${traversal}?force=true`, undefined],
      ['POST', `/api/v1/images/${traversal}/clean`, undefined],
      ['GET', `/api/v1/images/${traversal}`, undefined],
    ];
    for (const [method, path, body] of attempts) {
      const answer = await api.call(method, path, { body });
      assert.equal(answer.status, 422, `${method} ${path}`);
      assert.equal(answer.body.error.code, 'E_IMAGE_NAME');
    }
    const badKernel = await api.call('PUT', '/api/v1/images/fine/kernel', { body: { kernel: '../../vmlinuz-1' } });
    assert.equal(badKernel.status, 422);
    assert.equal(badKernel.body.error.code, 'E_KERNEL_NAME');
    const badInitramfs = await api.call('POST', `/api/v1/kernels/${encodeURIComponent('../vmlinuz-1')}/initramfs`, { body: {} });
    assert.equal(badInitramfs.status, 422);
    assert.equal(badInitramfs.body.error.code, 'E_KERNEL_NAME');
    assert.deepEqual(await sentinel.fingerprint(), before, 'nothing outside the root changed');
    assert.deepEqual(await fingerprintTree(api.root.root), rootBefore, 'nothing inside the root changed');
  } finally {
    await sentinel.cleanup();
    await api.close();
  }
});
