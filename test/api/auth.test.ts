import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startApi } from '../helpers/api-harness.js';

test('API calls need a valid token; read tokens cannot change anything', async () => {
  const api = await startApi();
  try {
    const none = await api.call('GET', '/api/v1/images', { token: null });
    assert.equal(none.status, 401);
    assert.equal(none.body.error.code, 'E_API_UNAUTHENTICATED');
    assert.match(none.headers.get('www-authenticate') ?? '', /^Bearer/);

    const wrong = await api.call('GET', '/api/v1/images', { token: `${api.admin.slice(0, -2)}xx` });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.error.code, 'E_API_BAD_TOKEN');

    // Unknown endpoints are not revealed without a token either.
    assert.equal((await api.call('GET', '/api/v1/nothing', { token: null })).status, 401);

    const readOk = await api.call('GET', '/api/v1/images', { token: api.reader });
    assert.equal(readOk.status, 200);
    assert.deepEqual(readOk.body, { images: [] });

    const readPost = await api.call('POST', '/api/v1/images', { token: api.reader, body: { type: 'demo', name: 'x', options: { message: 'hi' } } });
    assert.equal(readPost.status, 403);
    assert.equal(readPost.body.error.code, 'E_API_FORBIDDEN');
    const readDelete = await api.call('DELETE', '/api/v1/boot/n1', { token: api.reader });
    assert.equal(readDelete.status, 403);
    assert.deepEqual((await api.call('GET', '/api/v1/images')).body, { images: [] }, 'nothing was created');
  } finally {
    await api.close();
  }
});

test('a revoked token is refused on the next request', async () => {
  const api = await startApi();
  try {
    const { TokenStore } = await import('../../src/api/token-store.js');
    const store = new TokenStore(api.services.paths);
    const { token, info } = await store.create('read', 'short-lived');
    assert.equal((await api.call('GET', '/api/v1/modules', { token })).status, 200);
    await store.revoke(info.id);
    assert.equal((await api.call('GET', '/api/v1/modules', { token })).status, 401);
  } finally {
    await api.close();
  }
});

test('the boot tree is still served beside the API, without a token', async () => {
  const api = await startApi();
  try {
    await api.call('POST', '/api/v1/images', { body: { type: 'demo', name: 'tree', options: { message: 'hi' } } });
    const { waitForJob } = await import('../helpers/api-harness.js');
    const jobs = await api.call('GET', '/api/v1/jobs');
    await waitForJob(api, jobs.body.jobs[0].id);
    const entry = await fetch(`${api.base}/preboot_execution_environment/diskless/boot.ipxe`);
    assert.equal(entry.status, 200);
    assert.match(await entry.text(), /item image0 tree \(DemoImage\)/);
  } finally {
    await api.close();
  }
});
