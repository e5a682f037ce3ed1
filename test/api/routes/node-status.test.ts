/** `GET /api/v1/nodes/{nodeset}/status`: the same report as `node status`, for read tokens too. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { nodeStatus } from '../../../src/boot/node-status/index.js';
import { startApi } from '../../helpers/api-harness.js';

test('node status over the API answers what the library answers; unknown nodes are 404, bad sets 422', async () => {
  const api = await startApi();
  try {
    await api.services.images.create('DemoImage', 'alpha', { message: 'hello' });
    await api.services.inventory.addNodes('n[1-2]', { image: 'alpha' });
    // A record as `serve` writes it: n1 fetched alpha's boot file.
    const etag = '"1-2-3"';
    await writeFile(api.services.paths.nodeBootsFile, JSON.stringify({
      nodes: { n1: { lastSeen: '2026-11-30T00:00:00.000Z', address: '192.0.2.5', stages: { bootFile: { path: '/preboot_execution_environment/diskless/images/alpha/boot.ipxe', etag, at: '2026-11-30T00:00:00.000Z' } } } },
      unknown: { count: 0, recent: [] },
    }));
    const answer = await api.call('GET', `/api/v1/nodes/${encodeURIComponent('n[1-2]')}/status`, { token: api.reader });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.deepEqual(answer.body, JSON.parse(JSON.stringify(await nodeStatus(api.services, 'n[1-2]'))));
    assert.equal(answer.body.statuses[0].state, 'stale', 'the recorded ETag is not the current one');
    assert.equal(answer.body.neverBootedNodes, 'n2');

    assert.equal((await api.call('GET', '/api/v1/nodes/n9/status')).status, 404);
    const bad = await api.call('GET', `/api/v1/nodes/${encodeURIComponent('n[1-')}/status`);
    assert.equal(bad.status, 422);
    assert.equal(bad.body.error.code, 'E_NODESET_SYNTAX');
    const spec = await api.call('GET', '/api/v1/openapi.json');
    assert.ok(spec.body.paths['/nodes/{nodeset}/status'].get);
    assert.ok(spec.body.components.schemas.NodeStatusReport);
  } finally {
    await api.close();
  }
});
