import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { runCli } from '../../helpers/run-cli.js';
import { startApi } from '../../helpers/api-harness.js';

interface ServerRow { name: string; url: string; nodes: string; nodeCount: number; profiles: string[] }

test('/servers adds, lists and removes boot servers as `disklessset server` does; refusals are 4xx with the CLI\'s codes and change nothing', async () => {
  const api = await startApi();
  try {
    const added = await api.call('POST', '/api/v1/servers', { body: { name: 'sat1', url: 'http://10.0.1.2:8080/' } });
    assert.equal(added.status, 201, JSON.stringify(added.body));
    assert.equal((added.body as { server: ServerRow }).server.url, 'http://10.0.1.2:8080', 'stored in its one written form');
    const cli = await runCli(['--json', 'server', 'list'], { root: api.root.root });
    assert.equal(cli.exitCode, 0, cli.stderr);
    assert.equal((JSON.parse(cli.stdout) as ServerRow[])[0]?.name, 'sat1', 'the CLI sees what the API added');
    assert.equal((await api.call('POST', '/api/v1/nodes', { body: { nodes: 'c[1-3]', servers: ['sat1'] } })).status, 201);

    const listed = await api.call('GET', '/api/v1/servers');
    assert.equal(listed.status, 200);
    assert.deepEqual((listed.body as { servers: ServerRow[] }).servers, [{ name: 'sat1', url: 'http://10.0.1.2:8080', nodes: 'c[1-3]', nodeCount: 3, profiles: [] }]);

    const before = await readFile(api.services.paths.inventoryFile, 'utf8');
    const refusals: [string, string, unknown, number, string][] = [
      ['POST', '/api/v1/servers', { name: 'sat1', url: 'http://10.0.1.3' }, 409, 'E_SERVER_EXISTS'],
      ['POST', '/api/v1/servers', { name: 'sat2', url: 'http://user:secret@10.0.1.3' }, 422, 'E_SERVER_URL'],
      ['POST', '/api/v1/servers', { name: '../x', url: 'http://10.0.1.3' }, 422, 'E_SERVER_NAME'],
      ['POST', '/api/v1/servers', { name: 'sat2', url: 'http://10.0.1.3', port: 80 }, 422, 'E_UNKNOWN_OPTION'],
      ['DELETE', '/api/v1/servers/sat1', undefined, 409, 'E_SERVER_IN_USE'],
      ['DELETE', '/api/v1/servers/nosuch', undefined, 404, 'E_SERVER_NOT_FOUND'],
    ];
    for (const [method, path, body, status, code] of refusals) {
      const answer = await api.call(method, path, body === undefined ? {} : { body });
      assert.equal(answer.status, status, `${method} ${path} ${JSON.stringify(body)}: ${JSON.stringify(answer.body)}`);
      const error = (answer.body as { error: { code: string; message: string } }).error;
      assert.equal(error.code, code);
      assert.doesNotMatch(error.message, /secret/, 'a password in a URL is never echoed');
    }
    assert.equal(await readFile(api.services.paths.inventoryFile, 'utf8'), before, 'refused requests changed nothing');

    const removed = await api.call('DELETE', '/api/v1/servers/sat1?force=true');
    assert.equal(removed.status, 200);
    assert.equal((removed.body as { nodes: string }).nodes, 'c[1-3]', 'the nodes whose lists it left are named');
    assert.deepEqual((await api.call('GET', '/api/v1/servers')).body, { servers: [] });
    const node = await api.call('GET', '/api/v1/nodes/c1');
    assert.equal((node.body as { node: { attributes: { servers?: string[] } } }).node.attributes.servers, undefined);
  } finally {
    await api.close();
  }
});
