import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { makeTempRoot } from '../helpers/temp-root.js';

test('server add, list and remove through the CLI; nodes and profiles name servers with --servers', async () => {
  const t = await makeTempRoot();
  try {
    const { paths } = await t.services();
    assert.equal((await t.cli(['server', 'add', 'main', 'http://10.0.0.1:8080/'])).exitCode, 0);
    assert.equal((await t.cli(['server', 'add', 'sat1', 'http://10.0.1.1'])).exitCode, 0);
    assert.equal((await t.cli(['profile', 'add', 'rack1', '--servers', 'sat1,main'])).exitCode, 0);
    assert.equal((await t.cli(['node', 'add', 'c[1-2]', '--profile', 'rack1'])).exitCode, 0);
    assert.equal((await t.cli(['node', 'set', 'c2', '--servers', 'main'])).exitCode, 0);
    const listed = JSON.parse((await t.cli(['server', 'list', '--json'])).stdout) as { name: string; url: string; nodes: string; nodeCount: number }[];
    // Nodes count by the list they fetch from: c1 has rack1's (sat1, main), c2 its own (main), which replaces rack1's whole.
    assert.deepEqual(listed.map((s) => [s.name, s.url, s.nodes, s.nodeCount]), [['main', 'http://10.0.0.1:8080', 'c[1-2]', 2], ['sat1', 'http://10.0.1.1', 'c1', 1]]);
    assert.match((await t.cli(['server', 'list'])).stdout, /^SERVER\s+NODES\s+PROFILES\s+URL\nmain\s+2\s+rack1\s+http:\/\/10\.0\.0\.1:8080\nsat1\s+1\s+rack1\s+http:\/\/10\.0\.1\.1/);
    const shown = JSON.parse((await t.cli(['node', 'show', 'c1', '--json'])).stdout) as { attributes: { servers: string[] }; origins: { servers: string } };
    assert.deepEqual([shown.attributes.servers, shown.origins.servers], [['sat1', 'main'], 'profile:rack1']);
    assert.equal((await t.cli(['node', 'set', 'c2', '--unset-servers'])).exitCode, 0);
    const c2 = JSON.parse((await t.cli(['node', 'show', 'c2', '--json'])).stdout) as { attributes: { servers: string[] } };
    assert.deepEqual(c2.attributes.servers, ['sat1', 'main'], 'unset: inherited from the profile again');

    const before = await readFile(paths.inventoryFile, 'utf8');
    for (const [args, codeName] of [
      [['node', 'set', 'c1', '--servers', 'main,nope'], 'no boot server named nope'],
      [['server', 'add', 'bad', 'http://root:pw@10.0.0.3'], 'user name or password'],
      [['server', 'add', 'bad', 'http://10.0.0.3/?x=1'], 'query'],
      [['server', 'add', 'a/b', 'http://10.0.0.3'], 'invalid boot server name'],
    ] as const) {
      const result = await t.cli([...args]);
      assert.equal(result.exitCode, 2, args.join(' '));
      assert.equal(result.stderr.trim().split('\n').length, 1, 'one line');
      assert.match(result.stderr, new RegExp(codeName.replace(/[?]/g, '\\?')));
    }
    const inUse = await t.cli(['server', 'remove', 'sat1']);
    assert.equal(inUse.exitCode, 1);
    assert.match(inUse.stderr, /sat1 is named by profile rack1.*--force/);
    assert.equal(await readFile(paths.inventoryFile, 'utf8'), before, 'refused changes write nothing');
    const removed = JSON.parse((await t.cli(['server', 'remove', 'sat1', '--force', '--json'])).stdout) as { profiles: string[] };
    assert.deepEqual(removed.profiles, ['rack1']);
  } finally {
    await t.cleanup();
  }
});

test('http-config nginx --satellite-of prints a caching proxy of the main server; a bad main URL exits 2 with one line', async () => {
  const t = await makeTempRoot();
  try {
    const result = await t.cli(['http-config', 'nginx', '--satellite-of', 'HTTP://10.0.0.1:8080/', '--port', '8081', '--json']);
    assert.equal(result.exitCode, 0, result.stderr);
    const answer = JSON.parse(result.stdout) as { satelliteOf: string; config: string };
    assert.equal(answer.satelliteOf, 'http://10.0.0.1:8080');
    assert.match(answer.config, /proxy_pass http:\/\/10\.0\.0\.1:8080;/);
    assert.match(answer.config, /proxy_cache_revalidate on;/);
    assert.match(answer.config, /listen 8081;/);
    for (const bad of ['http://admin:pw@10.0.0.1', 'http://10.0.0.1/sub']) {
      const refused = await t.cli(['http-config', 'nginx', '--satellite-of', bad]);
      assert.equal(refused.exitCode, 2, bad);
      assert.equal(refused.stderr.trim().split('\n').length, 1);
      assert.match(refused.stderr, /main server URL/, 'the error names the main server, not a boot server');
      assert.doesNotMatch(refused.stderr, /:pw@/, 'a password is never echoed');
    }
    const credentials = await t.cli(['http-config', 'nginx', '--satellite-of', 'http://u:p@10.0.0.1']);
    assert.match(credentials.stderr, /credentials do not belong in the URL, the nginx configuration file would hold them/);
    assert.doesNotMatch(credentials.stderr, /node script/, 'a satellite URL is in no node script');
    const port = await t.cli(['http-config', 'nginx', '--satellite-of', 'http://10.0.0.1', '--port', '0']);
    assert.equal(port.exitCode, 2, port.stderr);
    assert.equal(port.stderr.trim().split('\n').length, 1, port.stderr);
    assert.match(port.stderr, /port 0 is not between 1 and 65535.*pass --port 80/, 'the error names the fix');
  } finally {
    await t.cleanup();
  }
});
