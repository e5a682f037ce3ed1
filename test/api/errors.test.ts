import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startApi, waitForJob } from '../helpers/api-harness.js';

test('library errors map to 404, 409 and 422 with their codes; bad requests to 400, 405 and 413', async () => {
  const api = await startApi();
  try {
    const missing = await api.call('GET', '/api/v1/images/nope');
    assert.equal(missing.status, 404);
    assert.deepEqual(Object.keys(missing.body.error).sort(), ['code', 'hint', 'message']);
    assert.equal(missing.body.error.code, 'E_IMAGE_NOT_FOUND');
    assert.equal((await api.call('DELETE', '/api/v1/images/nope')).status, 404);

    const badOptions = await api.call('POST', '/api/v1/images', { body: { type: 'demo', name: 'x', options: { message: '' } } });
    assert.equal(badOptions.status, 422);
    assert.equal(badOptions.body.error.code, 'E_DEMO_MESSAGE');
    assert.match(badOptions.body.error.message, /message of 1 to 1000 characters/);
    const badName = await api.call('POST', '/api/v1/images', { body: { type: 'demo', name: '../x', options: { message: 'hi' } } });
    assert.equal(badName.status, 422);
    assert.equal(badName.body.error.code, 'E_IMAGE_NAME');
    const unknownType = await api.call('POST', '/api/v1/images', { body: { type: 'nosuch', name: 'x', options: {} } });
    assert.equal(unknownType.status, 404);
    assert.equal(unknownType.body.error.code, 'E_API_UNKNOWN_TYPE');
    const crash = await api.call('POST', '/api/v1/images', { body: { type: 'demo', name: 'x', options: { message: 'hi', crash: true } } });
    assert.equal(crash.status, 422, 'a simulated crash would kill the server');

    const first = await api.call('POST', '/api/v1/images', { body: { type: 'demo', name: 'taken', options: { message: 'hi' } } });
    await waitForJob(api, first.body.job.id);
    const again = await api.call('POST', '/api/v1/images', { body: { type: 'demo', name: 'taken', options: { message: 'hi' } } });
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, 'E_IMAGE_EXISTS');

    const assign = await api.call('PUT', '/api/v1/boot/n%5B1-3%5D', { body: { image: 'taken' } });
    assert.equal(assign.status, 200);
    assert.deepEqual(assign.body.assignment, { image: 'taken', nodes: 'n[1-3]', count: 3 });
    const booted = await api.call('DELETE', '/api/v1/images/taken');
    assert.equal(booted.status, 409);
    assert.equal(booted.body.error.code, 'E_IMAGE_BOOTED');
    assert.equal((await api.call('GET', '/api/v1/boot/n2', { token: api.reader })).body.nodes.n2, 'taken');
    const forced = await api.call('DELETE', '/api/v1/images/taken?force=true');
    assert.equal(forced.status, 200);
    assert.deepEqual((await api.call('GET', '/api/v1/boot')).body, { assignments: [] });
    // The image is gone: naming it is bad input, as on the command line (exit 2).
    const gone = await api.call('PUT', '/api/v1/boot/n1', { body: { image: 'taken' } });
    assert.deepEqual([gone.status, gone.body.error.code], [422, 'E_NODE_UNKNOWN_IMAGE']);
    assert.equal((await api.call('PUT', '/api/v1/boot/..%2Fx', { body: { image: 'taken' } })).status, 422);

    const badJson = await api.call('POST', '/api/v1/images', { raw: '{"type": "demo",' });
    assert.equal(badJson.status, 400);
    assert.equal(badJson.body.error.code, 'E_API_BAD_JSON');
    const huge = await api.call('POST', '/api/v1/images', { body: { type: 'demo', name: 'big', options: { message: 'x'.repeat(100_000) } } });
    assert.equal(huge.status, 413);
    const method = await api.call('PATCH', '/api/v1/images');
    assert.equal(method.status, 405);
    assert.equal(method.headers.get('allow'), 'GET, POST');
    assert.equal((await api.call('GET', '/api/v1/nothing')).status, 404);
  } finally {
    await api.close();
  }
});

test('openapi.json and modules are served; image attributes never show a password', async () => {
  const api = await startApi();
  try {
    const doc = await api.call('GET', '/api/v1/openapi.json', { token: api.reader });
    assert.equal(doc.status, 200);
    assert.match(doc.body.openapi, /^3\./);
    for (const path of ['/images', '/images/{name}', '/kernels', '/kernels/{kernel}/initramfs', '/boot/{nodeset}', '/modules', '/jobs/{id}/events']) {
      assert.ok(doc.body.paths[path], `${path} is documented`);
    }
    const modules = await api.call('GET', '/api/v1/modules', { token: api.reader });
    const demo = modules.body.modules.find((m: { name?: string }) => m.name === 'demo');
    assert.deepEqual(demo.image_classes.map((c: { name: string }) => c.name), ['DemoImage']);
    // Every class the API can create from options says so (OS images use `prepare`, the demo `parseOptions`).
    const creatable = new Map<string, boolean>(modules.body.modules.flatMap((m: { image_classes: { name: string; api_creatable: boolean }[] }) =>
      m.image_classes.map((c) => [c.name, c.api_creatable] as const)));
    for (const name of ['DemoImage', 'LivenetImage', 'NfsStagingImage', 'NfsGoldenImage']) {
      assert.equal(creatable.get(name), true, `${name} is api_creatable`);
    }

    // An image whose data holds a password hash (as livenet images do) is shown redacted.
    const first = await api.call('POST', '/api/v1/images', { body: { type: 'demo', name: 'secret', options: { message: 'hi' } } });
    await waitForJob(api, first.body.job.id);
    const image = await api.services.images.get('secret');
    image.data.password = '$6$salt$hash';
    await image.save();
    const shown = await api.call('GET', '/api/v1/images/secret', { token: api.reader });
    assert.equal(shown.body.image.attributes.password, '<redacted>');
    assert.ok(!JSON.stringify((await api.call('GET', '/api/v1/images')).body).includes('$6$salt$hash'));
  } finally {
    await api.close();
  }
});
