import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { runCli } from '../../helpers/run-cli.js';
import { startApi } from '../../helpers/api-harness.js';

test('API bodies name boot servers like the CLI: known ones are stored, an unknown one is 422 E_NODE_UNKNOWN_SERVER and changes nothing', async () => {
  const api = await startApi();
  try {
    const cli = async (argv: string[]): Promise<void> => {
      const run = await runCli(argv, { root: api.root.root });
      assert.equal(run.exitCode, 0, `${argv.join(' ')}: ${run.stderr}`);
    };
    await cli(['server', 'add', 'sat1', 'http://10.0.1.1']);
    assert.equal((await api.call('POST', '/api/v1/nodes', { body: { nodes: 'n[1-2]', servers: ['sat1'] } })).status, 201);
    const before = await readFile(api.services.paths.inventoryFile, 'utf8');
    const refused = await api.call('PATCH', '/api/v1/nodes/n1', { body: { servers: ['sat1', 'nope'] } });
    assert.equal(refused.status, 422);
    assert.equal((refused.body as { error: { code: string } }).error.code, 'E_NODE_UNKNOWN_SERVER');
    assert.equal(await readFile(api.services.paths.inventoryFile, 'utf8'), before);
    assert.equal((await api.call('PATCH', '/api/v1/nodes/n1', { body: { servers: null } })).status, 200);
    const shown = await api.call('GET', '/api/v1/nodes/n2');
    assert.deepEqual((shown.body as { node: { attributes: { servers: string[] } } }).node.attributes.servers, ['sat1']);
  } finally {
    await api.close();
  }
});
