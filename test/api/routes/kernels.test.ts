import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startApi } from '../../helpers/api-harness.js';

test('kernels are added from /boot of the root; other host files are refused', async () => {
  const api = await startApi();
  try {
    const boot = api.services.paths.relocate('/boot');
    await mkdir(boot, { recursive: true });
    await writeFile(join(boot, 'vmlinuz-6.1.0-test'), 'kernel bytes');
    await writeFile(join(boot, 'initrd-6.1.0-test'), 'initramfs bytes');
    const added = await api.call('POST', '/api/v1/kernels', { body: { path: join(boot, 'vmlinuz-6.1.0-test'), initramfs: join(boot, 'initrd-6.1.0-test') } });
    assert.equal(added.status, 201, JSON.stringify(added.body));
    assert.deepEqual(added.body.kernel, {
      kernel: 'vmlinuz-6.1.0-test', version: '6.1.0-test', initramfs: 'initramfs-kernel-6.1.0-test', initramfs_present: true,
    });
    const listed = await api.call('GET', '/api/v1/kernels', { token: api.reader });
    assert.equal(listed.body.kernels.length, 1);

    // The kernels folder is served over HTTP: copying /etc/passwd there would publish it.
    const passwd = await api.call('POST', '/api/v1/kernels', { body: { path: '/etc/passwd', version: '1.0' } });
    assert.equal(passwd.status, 422);
    assert.equal(passwd.body.error.code, 'E_API_PATH_NOT_ALLOWED');
    const escape = await api.call('POST', '/api/v1/kernels', { body: { path: join(boot, '..', '..', '..', '..', 'etc', 'passwd'), version: '1.0' } });
    assert.equal(escape.status, 422);
    const chroot = await api.call('POST', '/api/v1/kernels/vmlinuz-6.1.0-test/initramfs', { body: { chroot: '/' } });
    assert.equal(chroot.status, 422);
    assert.equal(chroot.body.error.code, 'E_API_PATH_NOT_ALLOWED');
    assert.equal((await api.call('POST', '/api/v1/kernels', { token: api.reader, body: {} })).status, 403);
  } finally {
    await api.close();
  }
});
