import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { readNodeScripts } from '../../helpers/inventory.js';
import { runCli } from '../../helpers/run-cli.js';
import { startApi, type ApiFixture, type Json } from '../../helpers/api-harness.js';

/** Runs the CLI in-process on the API's root and parses its --json answer. */
async function cliJson(api: ApiFixture, argv: string[]): Promise<Json> {
  const run = await runCli([...argv, '--json'], { root: api.root.root });
  assert.equal(run.exitCode, 0, `${argv.join(' ')}: ${run.stderr}`);
  return JSON.parse(run.stdout);
}

async function withImages(body: (api: ApiFixture) => Promise<void>): Promise<void> {
  const api = await startApi();
  try {
    for (const image of ['gold', 'test']) await cliJson(api, ['demo', 'create', image, '--message', image]);
    await body(api);
  } finally {
    await api.close();
  }
}

const inventoryText = (api: ApiFixture) => readFile(api.services.paths.inventoryFile, 'utf8').catch(() => '');

test('a read token lists and shows nodes; only an admin token adds, changes or removes them', async () => {
  await withImages(async (api) => {
    assert.equal((await api.call('POST', '/api/v1/profiles', { body: { name: 'compute', image: 'gold', vars: { rack: 'a' } } })).status, 201);
    const refused = await api.call('POST', '/api/v1/nodes', { token: api.reader, body: { nodes: 'c[1-3]' } });
    assert.equal(refused.status, 403);
    assert.equal(refused.body.error.code, 'E_API_FORBIDDEN');
    assert.equal((await api.call('GET', '/api/v1/nodes', { token: api.reader })).body.nodeCount, 0, 'the read token added nothing');

    const added = await api.call('POST', '/api/v1/nodes', { body: { nodes: 'c[1-3]', profiles: ['compute'], vars: { slot: '4' } } });
    assert.equal(added.status, 201);
    assert.deepEqual(added.body, { nodes: 'c[1-3]', nodeCount: 3 });

    const listed = await api.call('GET', '/api/v1/nodes', { token: api.reader });
    assert.equal(listed.status, 200);
    assert.equal(listed.body.nodes, 'c[1-3]');
    assert.equal(listed.body.nodeCount, 3);
    assert.deepEqual(listed.body.entries[0], { name: 'c1', profiles: ['compute'], image: 'gold', vars: { rack: 'a', slot: '4' } });
    const some = await api.call('GET', `/api/v1/nodes?nodes=${encodeURIComponent('c[2-9]')}`, { token: api.reader });
    assert.deepEqual([some.body.nodes, some.body.nodeCount], ['c[2-3]', 2], 'the filter keeps the nodes the inventory holds');

    const shown = await api.call('GET', '/api/v1/nodes/c2', { token: api.reader });
    assert.equal(shown.status, 200);
    assert.equal(shown.body.node.origins.image, 'profile:compute');
    assert.deepEqual(shown.body.node.origins.vars, { rack: 'profile:compute', slot: 'node' });
    assert.deepEqual(shown.body.node, await cliJson(api, ['node', 'show', 'c2']), 'the same answer as `node show --json`');

    for (const [method, body] of [['PATCH', { ip: '10.0.0.2' }], ['DELETE', undefined]] as const) {
      const answer = await api.call(method, '/api/v1/nodes/c2', { token: api.reader, body });
      assert.equal(answer.status, 403, method);
    }
    assert.equal((await api.call('GET', '/api/v1/nodes/c2', { token: null })).status, 401);
    assert.equal((await api.call('GET', '/api/v1/nodes/c2')).body.node.attributes.ip, undefined, 'the read token changed nothing');
  });
});

test('nodes added, changed and removed over the API: node scripts follow, and the CLI sees every change', async () => {
  await withImages(async (api) => {
    const { paths } = api.services;
    assert.equal((await api.call('POST', '/api/v1/nodes', { body: { nodes: 'n[1-2]', image: 'gold' } })).status, 201);
    assert.equal((await api.call('PATCH', '/api/v1/nodes/n2', { body: { mac: ['52-54-00-AA-00-01'] } })).status, 200);
    // A node with a MAC also gets its per-MAC script (the fallback when iPXE has no host name).
    assert.deepEqual(await readNodeScripts(paths), { '52-54-00-aa-00-01': 'gold', n1: 'gold', n2: 'gold' });
    assert.deepEqual((await cliJson(api, ['node', 'list'])).map((node: Json) => [node.name, node.image, node.mac]),
      [['n1', 'gold', undefined], ['n2', 'gold', ['52:54:00:aa:00:01']]]);

    const changed = await api.call('PATCH', '/api/v1/nodes/n2', { body: { image: 'test', mac: null, ip: '10.0.0.2', vars: { rack: 'b', slot: '1' } } });
    assert.equal(changed.status, 200);
    assert.deepEqual(changed.body, { nodes: 'n2', nodeCount: 1 });
    assert.deepEqual(await readNodeScripts(paths), { n1: 'gold', n2: 'test' });
    const [, n2] = await cliJson(api, ['node', 'list']);
    assert.deepEqual(n2, { name: 'n2', profiles: [], image: 'test', ip: '10.0.0.2', vars: { rack: 'b', slot: '1' }, lastSeen: null });

    // Merge patch: null removes, a variable set to null goes alone.
    assert.equal((await api.call('PATCH', '/api/v1/nodes/n2', { body: { image: null, vars: { slot: null } } })).status, 200);
    assert.deepEqual(await readNodeScripts(paths), { n1: 'gold' }, 'a node without an image has no script');
    assert.deepEqual((await cliJson(api, ['node', 'show', 'n2'])).attributes, { ip: '10.0.0.2', vars: { rack: 'b' } });

    const removed = await api.call('DELETE', `/api/v1/nodes/${encodeURIComponent('n[1-2]')}`);
    assert.deepEqual([removed.status, removed.body], [200, { nodes: 'n[1-2]', nodeCount: 2 }]);
    assert.deepEqual(await readNodeScripts(paths), {});
    assert.deepEqual(await cliJson(api, ['node', 'list']), []);

    for (const [method, body] of [['GET', undefined], ['PATCH', { ip: '10.0.0.9' }], ['DELETE', undefined]] as const) {
      const missing = await api.call(method, '/api/v1/nodes/n1', { body });
      assert.equal(missing.status, 404, method);
      assert.equal(missing.body.error.code, 'E_NODE_NOT_FOUND');
    }
  });
});

test('bad bodies and node sets answer 422 with their code and change nothing, neither the inventory nor the scripts', async () => {
  await withImages(async (api) => {
    await api.call('POST', '/api/v1/nodes', { body: { nodes: 'n1', image: 'gold' } });
    const before = await inventoryText(api);
    const cases: [string, string, unknown, string][] = [
      ['POST', '/nodes', { nodes: 'n2', imgae: 'gold' }, 'E_UNKNOWN_OPTION'],
      ['POST', '/nodes', { node: 'n2' }, 'E_UNKNOWN_OPTION'],
      ['POST', '/nodes', { image: 'gold' }, 'E_API_MISSING_FIELD'],
      ['POST', '/nodes', { nodes: 'n[1-2,5-6-7]' }, 'E_NODESET_SYNTAX'],
      ['POST', '/nodes', { nodes: 'n[1-999999999]' }, 'E_NODESET_TOO_LARGE'],
      ['POST', '/nodes', { nodes: '../x' }, 'E_NODE_NAME'],
      ['POST', '/nodes', { nodes: 'n2', mac: 'zz' }, 'E_NODE_MAC'],
      ['POST', '/nodes', { nodes: 'n2', ip: '1.2.3' }, 'E_NODE_IP'],
      ['POST', '/nodes', { nodes: 'n2', profiles: ['nope'] }, 'E_NODE_UNKNOWN_PROFILE'],
      ['POST', '/nodes', { nodes: 'n2', image: 'nosuch' }, 'E_NODE_UNKNOWN_IMAGE'],
      ['POST', '/nodes', { nodes: 'n2', image: '../gold' }, 'E_IMAGE_NAME'],
      ['POST', '/nodes', { nodes: 'N1' }, 'E_NODE_NAME_CASE'],
      ['PATCH', '/nodes/n1', {}, 'E_NOTHING_TO_CHANGE'],
      ['PATCH', '/nodes/n1', { kernelArgs: 'quiet\nrd.break' }, 'E_NODE_KERNEL_ARGS'],
      ['PATCH', '/nodes/n1', { vars: { 'bad-name': 'x' } }, 'E_NODE_VAR'],
      ['PATCH', '/nodes/n1', { image: 'nosuch' }, 'E_NODE_UNKNOWN_IMAGE'],
      ['PATCH', '/nodes/n1', { mac: ['52:54:00:00:00:01', 'nope'] }, 'E_NODE_MAC'],
      ['GET', `/nodes/${encodeURIComponent('n[1-2]')}`, undefined, 'E_NODE_NAME'],
      ['GET', `/nodes?nodes=${encodeURIComponent('n[1-2,5-6-7]')}`, undefined, 'E_NODESET_SYNTAX'],
    ];
    for (const [method, path, body, code] of cases) {
      const answer = await api.call(method, `/api/v1${path}`, { body });
      assert.equal(answer.status, 422, `${method} ${path} ${JSON.stringify(body)}: ${JSON.stringify(answer.body)}`);
      assert.equal(answer.body.error.code, code, `${method} ${path} ${JSON.stringify(body)}`);
    }
    // JSON.parse keeps "__proto__" as a variable name: refused, not dropped (it used to answer 201 and store nothing).
    for (const [method, path, raw] of [['POST', '/nodes', '{"nodes": "n2", "vars": {"__proto__": "x"}}'], ['PATCH', '/nodes/n1', '{"vars": {"__proto__": "x"}}'],
      ['POST', '/profiles', '{"name": "p", "vars": {"__proto__": "x"}}'], ['PATCH', '/nodes/n1', '{"vars": {"__proto__": null}}']] as const) {
      const answer = await api.call(method, `/api/v1${path}`, { raw });
      assert.deepEqual([answer.status, answer.body.error.code], [422, 'E_NODE_VAR'], `${method} ${path} ${raw}`);
      assert.match(answer.body.error.message, /variable name __proto__ .*reserved name/);
    }
    const typo = await api.call('POST', '/api/v1/nodes', { body: { nodes: 'n2', imgae: 'gold' } });
    assert.match(typo.body.error.message, /did you mean image\?/);
    const taken = await api.call('POST', '/api/v1/nodes', { body: { nodes: 'n[1-2]' } });
    assert.deepEqual([taken.status, taken.body.error.code], [409, 'E_NODE_EXISTS']);
    assert.equal((await api.call('POST', '/api/v1/nodes', { raw: '{"nodes": "n2",' })).status, 400);
    assert.equal(await inventoryText(api), before);
    assert.deepEqual(await readNodeScripts(api.services.paths), { n1: 'gold' });
  });
});

test('API bodies give nodes and profiles overlays; an unknown overlay is 422 naming the known ones, and changes nothing', async () => {
  const api = await startApi();
  try {
    assert.equal((await api.call('POST', '/api/v1/profiles', { body: { name: 'compute', overlays: ['hostname'] } })).status, 201);
    assert.equal((await api.call('POST', '/api/v1/nodes', { body: { nodes: 'n1', profiles: ['compute'], overlays: ['network'] } })).status, 201);
    const shown = await api.call('GET', '/api/v1/nodes/n1');
    assert.deepEqual(shown.body.node.attributes.overlays, ['hostname', 'network'], 'profiles\' overlays, then the node\'s');
    const before = await inventoryText(api);
    const refused = await api.call('PATCH', '/api/v1/nodes/n1', { body: { overlays: ['hostname', 'nope'] } });
    assert.equal(refused.status, 422);
    assert.match(JSON.stringify(refused.body), /E_OVERLAY_UNKNOWN.*known overlays: hostname, network, root-ssh, ssh-host-keys/);
    assert.equal((await api.call('PATCH', '/api/v1/profiles/compute', { body: { overlays: ['../x'] } })).status, 422);
    assert.equal(await inventoryText(api), before);
    assert.equal((await api.call('PATCH', '/api/v1/nodes/n1', { body: { overlays: null } })).status, 200);
    assert.deepEqual((await api.call('GET', '/api/v1/nodes/n1')).body.node.attributes.overlays, ['hostname']);
  } finally {
    await api.close();
  }
});

test('a change after which a node could not render its overlays is 422 naming node, overlay, file and problem, and changes nothing', async () => {
  await withImages(async (api) => {
    const { mkdir } = await import('node:fs/promises');
    const dir = `${api.services.paths.overlaysDir}/site/etc`;
    await mkdir(dir, { recursive: true });
    await writeFile(`${dir}/rack.conf.j2`, 'rack = {{ node.vars.rack }}\n');
    assert.equal((await api.call('POST', '/api/v1/nodes', { body: { nodes: 'n1', image: 'gold', overlays: ['site'], vars: { rack: 'a1' } } })).status, 201);
    const before = await inventoryText(api);
    const refused = await api.call('PATCH', '/api/v1/nodes/n1', { body: { vars: { rack: null } } });
    assert.equal(refused.status, 422, JSON.stringify(refused.body));
    assert.equal(refused.body.error.code, 'E_OVERLAY_TEMPLATE');
    assert.match(refused.body.error.message, /^node n1: overlay site, file etc\/rack\.conf\.j2, line 1: [^\n]+$/);
    assert.equal(await inventoryText(api), before);
  });
});

test('after a hand edit of nodes.yml, API reads answer the repaired state a command would see: scripts published, a missing image warned about', async () => {
  const warnings: string[] = [];
  const api = await startApi({ onWarning: (line) => warnings.push(line) });
  try {
    for (const image of ['gold', 'test']) await cliJson(api, ['demo', 'create', image, '--message', image]);
    assert.equal((await api.call('POST', '/api/v1/nodes', { body: { nodes: 'n[1-3]', image: 'gold' } })).status, 201);
    const { paths } = api.services;
    const text = await readFile(paths.inventoryFile, 'utf8');
    await writeFile(paths.inventoryFile, text.replace(/(n1:\n\s+image: )gold/, '$1test').replace(/(n2:\n\s+image: )gold/, '$1nosuch'));

    const listed = await api.call('GET', '/api/v1/nodes', { token: api.reader });
    assert.equal(listed.status, 200);
    assert.deepEqual((listed.body.entries as { name: string; image: string }[]).map((node) => `${node.name}:${node.image}`), ['n1:test', 'n2:nosuch', 'n3:gold']);
    assert.deepEqual(await readNodeScripts(paths), { n1: 'test', n3: 'gold' }, 'published before the answer, n2 left without a script');
    const status = await api.call('GET', `/api/v1/nodes/n1/status`, { token: api.reader });
    assert.equal(status.status, 200);
    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.match(warnings[0] as string, /^warning: n2 \(1 node\) name image nosuch, which does not exist/);
  } finally {
    await api.close();
  }
});
