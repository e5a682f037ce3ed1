import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { readNodeScripts } from '../../helpers/inventory.js';
import { runCli } from '../../helpers/run-cli.js';
import { startApi } from '../../helpers/api-harness.js';

test('profiles over the API: read vs admin, a profile change reaches the scripts of its nodes, removal needs force while nodes list it', async () => {
  const api = await startApi();
  try {
    for (const image of ['gold', 'test']) {
      assert.equal((await runCli(['demo', 'create', image, '--message', image], { root: api.root.root })).exitCode, 0);
    }
    const { paths } = api.services;
    assert.equal((await api.call('POST', '/api/v1/profiles', { token: api.reader, body: { name: 'compute' } })).status, 403);
    const added = await api.call('POST', '/api/v1/profiles', { body: { name: 'compute', image: 'gold', kernelArgs: 'quiet' } });
    assert.equal(added.status, 201);
    assert.deepEqual(added.body.profile, { name: 'compute', nodes: '', nodeCount: 0, image: 'gold', kernelArgs: 'quiet' });
    const again = await api.call('POST', '/api/v1/profiles', { body: { name: 'compute' } });
    assert.deepEqual([again.status, again.body.error.code], [409, 'E_PROFILE_EXISTS']);

    await api.call('POST', '/api/v1/nodes', { body: { nodes: 'c[1-2]', profiles: ['compute'] } });
    assert.deepEqual(await readNodeScripts(paths), { c1: 'gold', c2: 'gold' });
    const changed = await api.call('PATCH', '/api/v1/profiles/compute', { body: { image: 'test', kernelArgs: null } });
    assert.equal(changed.status, 200);
    assert.deepEqual(changed.body.profile, { name: 'compute', nodes: 'c[1-2]', nodeCount: 2, image: 'test' });
    assert.deepEqual(await readNodeScripts(paths), { c1: 'test', c2: 'test' }, 'every node listing the profile follows');

    const listed = await api.call('GET', '/api/v1/profiles', { token: api.reader });
    const cli = await runCli(['profile', 'list', '--json'], { root: api.root.root });
    assert.deepEqual(listed.body.profiles, JSON.parse(cli.stdout), 'the CLI sees the same profiles');
    assert.deepEqual((await api.call('GET', '/api/v1/profiles/compute', { token: api.reader })).body.profile, changed.body.profile);

    const before = await readFile(paths.inventoryFile, 'utf8');
    for (const [method, path, body, status, code] of [
      ['PATCH', '/profiles/compute', { profiles: ['x'] }, 422, 'E_UNKNOWN_OPTION'],
      ['PATCH', '/profiles/compute', { imag: 'gold' }, 422, 'E_UNKNOWN_OPTION'],
      ['PATCH', '/profiles/compute', { image: 'nosuch' }, 422, 'E_NODE_UNKNOWN_IMAGE'],
      ['PATCH', '/profiles/compute', { ip: '300.1.1.1' }, 422, 'E_NODE_IP'],
      ['POST', '/profiles', { name: '../p' }, 422, 'E_PROFILE_NAME'],
      ['POST', '/profiles', { image: 'gold' }, 422, 'E_API_MISSING_FIELD'],
      ['GET', '/profiles/nope', undefined, 404, 'E_PROFILE_NOT_FOUND'],
      ['PATCH', '/profiles/nope', { ip: '10.0.0.1' }, 404, 'E_PROFILE_NOT_FOUND'],
      ['DELETE', '/profiles/nope', undefined, 404, 'E_PROFILE_NOT_FOUND'],
      ['DELETE', '/profiles/compute', undefined, 409, 'E_PROFILE_IN_USE'],
    ] as const) {
      const answer = await api.call(method, `/api/v1${path}`, { body });
      assert.deepEqual([answer.status, answer.body.error.code], [status, code], `${method} ${path} ${JSON.stringify(body)}`);
    }
    const inUse = await api.call('DELETE', '/api/v1/profiles/compute');
    assert.match(inUse.body.error.hint, /\?force=true/, 'the hint names how to force it in the API');
    assert.equal((await api.call('DELETE', '/api/v1/profiles/compute?force=true', { token: api.reader })).status, 403);
    assert.equal(await readFile(paths.inventoryFile, 'utf8'), before, 'refused calls changed nothing');

    const removed = await api.call('DELETE', '/api/v1/profiles/compute?force=true');
    assert.deepEqual([removed.status, removed.body], [200, { name: 'compute', removed: true, nodes: 'c[1-2]', nodeCount: 2 }]);
    assert.deepEqual(await readNodeScripts(paths), {}, 'the nodes lost the image their profile gave');
    assert.deepEqual((await api.call('GET', '/api/v1/profiles')).body.profiles, []);
  } finally {
    await api.close();
  }
});
