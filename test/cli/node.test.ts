import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempRoot, type TempRoot } from '../helpers/temp-root.js';

async function ok(t: TempRoot, args: string[]): Promise<string> {
  const result = await t.cli(args);
  assert.equal(result.exitCode, 0, `${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

async function scripts(t: TempRoot): Promise<Record<string, string>> {
  const { paths } = await t.services();
  const names = (await readdir(paths.bootNodesDir).catch(() => [] as string[])).filter((n) => n.endsWith('.ipxe')).sort();
  const out: Record<string, string> = {};
  for (const name of names) out[name.slice(0, -5)] = (/images\/([^/]+)\/boot\.ipxe/.exec(await readFile(join(paths.bootNodesDir, name), 'utf8')))?.[1] ?? '?';
  return out;
}

test('nodes and profiles drive the node scripts: a profile image change reaches every node listing it, a node value wins', async () => {
  const t = await makeTempRoot();
  try {
    for (const image of ['gold', 'test']) await ok(t, ['demo', 'create', image, '--message', image]);
    await ok(t, ['profile', 'add', 'compute', '--image', 'gold', '--var', 'rack=a']);
    await ok(t, ['node', 'add', 'c[1-3]', '--profile', 'compute']);
    await ok(t, ['node', 'set', 'c1', '--mac', '52:54:00:00:00:01']);
    // The MAC script (for nodes booting without a host name) boots the image of the node holding that MAC.
    assert.deepEqual(await scripts(t), { '52-54-00-00-00-01': 'gold', c1: 'gold', c2: 'gold', c3: 'gold' });
    await ok(t, ['node', 'set', 'c3', '--image', 'test']);
    await ok(t, ['profile', 'set', 'compute', '--image', 'test']);
    await ok(t, ['profile', 'set', 'compute', '--image', 'gold']);
    assert.deepEqual(await scripts(t), { '52-54-00-00-00-01': 'gold', c1: 'gold', c2: 'gold', c3: 'test' });
    const shown = JSON.parse(await ok(t, ['node', 'show', 'c1', '--json'])) as { attributes: Record<string, unknown>; origins: Record<string, string> };
    assert.equal(shown.origins.image, 'profile:compute');
    assert.match(await ok(t, ['node', 'list']), /^NAME\s+PROFILES\s+IMAGE\s+MAC\s+IP\s+LAST SEEN\nc1\s+compute\s+gold\s+52:54:00:00:00:01\s+-\s+-\n/);
    assert.match(await ok(t, ['boot', 'list']), /gold\s+2\s+c\[1-2\]\ntest\s+1\s+c3/);
    await ok(t, ['node', 'remove', 'c2']);
    assert.deepEqual(await scripts(t), { '52-54-00-00-00-01': 'gold', c1: 'gold', c3: 'test' });
    await ok(t, ['boot', 'unset', 'c3']);
    assert.deepEqual(await scripts(t), { '52-54-00-00-00-01': 'gold', c1: 'gold', c3: 'gold' }, 'c3 falls back to its profile image');
  } finally {
    await t.cleanup();
  }
});

test('bad node input exits 2 with one line and writes nothing', async () => {
  const t = await makeTempRoot();
  try {
    await ok(t, ['node', 'add', 'n1']);
    const { paths } = await t.services();
    const before = await readFile(paths.inventoryFile, 'utf8');
    for (const args of [['node', 'add', 'n2', '--mac', 'zz'], ['node', 'add', 'n2', '--ip', '1.2.3'], ['node', 'add', 'n2', '--var', 'novalue'],
      ['node', 'add', 'n[1-2,5-6-7]'], ['node', 'set', 'n1'], ['node', 'add', 'n2', '--image', '../x'], ['profile', 'add', '../p'],
      ['node', 'add', 'n2', '--profile', 'nope'], ['node', 'add', 'n2', '--image', 'nosuch'], ['node', 'set', 'n1', '--ip', '10.0.0.1', '--unset-ip']]) {
      const result = await t.cli(args);
      assert.equal(result.exitCode, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
    }
    assert.equal((await t.cli(['node', 'add', 'n2', '--profile', 'nope'])).exitCode, 2, 'a missing profile is bad input');
    assert.equal(await readFile(paths.inventoryFile, 'utf8'), before);
  } finally {
    await t.cleanup();
  }
});

test('an Ansible inventory of 1,000 hosts in groups is imported through ansible-inventory: groups become profiles', async () => {
  const t = await makeTempRoot();
  try {
    const lines = ['[compute]'];
    for (let i = 1; i <= 900; i++) lines.push(`c${String(i).padStart(4, '0')} mac=52:54:00:00:${String(Math.floor(i / 100)).padStart(2, '0')}:${String(i % 100).padStart(2, '0')} ip=10.1.${Math.floor(i / 250)}.${i % 250 + 1} rack=r${i % 10}`);
    lines.push('[gpu]');
    for (let i = 1; i <= 100; i++) lines.push(`g${String(i).padStart(3, '0')}`);
    lines.push('[hpc:children]', 'compute', 'gpu', '[hpc:vars]', 'site=paris');
    const file = join(t.root, 'hosts.ini');
    await writeFile(file, `${lines.join('\n')}\n`);
    const imported = JSON.parse(await ok(t, ['node', 'import', '--ansible-inventory', file, '--json'])) as { nodeCount: number; added: number; profilesCreated: string[] };
    assert.equal(imported.nodeCount, 1000);
    assert.deepEqual(imported.profilesCreated.sort(), ['compute', 'gpu', 'hpc']);
    const nodes = JSON.parse(await ok(t, ['node', 'list', '--json'])) as { name: string; profiles: string[]; ip?: string; vars?: Record<string, string> }[];
    assert.equal(nodes.length, 1000);
    const c7 = nodes.find((node) => node.name === 'c0007');
    assert.deepEqual(c7?.profiles, ['hpc', 'compute'], 'parent group first, so the closer group wins');
    assert.equal(c7?.ip, '10.1.0.8');
    assert.deepEqual(c7?.vars, { rack: 'r7', site: 'paris' });
    const again = JSON.parse(await ok(t, ['node', 'import', '--ansible-inventory', file, '--json'])) as { added: number; updated: number };
    assert.deepEqual([again.added, again.updated], [0, 1000], 'a re-import updates, it does not duplicate');
  } finally {
    await t.cleanup();
  }
});

test('a CSV with one bad line is refused whole, naming the line', async () => {
  const t = await makeTempRoot();
  try {
    const file = join(t.root, 'nodes.csv');
    await writeFile(file, 'name,mac,ip,profiles,slot\nn1,52:54:00:00:00:01,10.0.0.1,,3\nn2,52:54:00:00:00,10.0.0.2,,4\n');
    const bad = await t.cli(['node', 'import', '--csv', file]);
    assert.equal(bad.exitCode, 2);
    assert.match(bad.stderr, /nodes\.csv line 3/);
    assert.equal((JSON.parse(await ok(t, ['node', 'list', '--json'])) as unknown[]).length, 0);
    await writeFile(file, 'name,mac,ip,profiles,slot\nn1,52:54:00:00:00:01,10.0.0.1,rack1;compute,3\n');
    await ok(t, ['node', 'import', '--csv', file, '--create-profiles']);
    const [n1] = JSON.parse(await ok(t, ['node', 'list', '--json'])) as { profiles: string[]; vars: Record<string, string> }[];
    assert.deepEqual([n1?.profiles, n1?.vars], [['rack1', 'compute'], { slot: '3' }]);
  } finally {
    await t.cleanup();
  }
});

test('an import refuses what cannot be an inventory, and images that do not exist, before writing anything', async () => {
  const t = await makeTempRoot();
  try {
    for (const source of ['/dev/zero', join(t.root, 'missing.ini')]) {
      const refused = await t.cli(['node', 'import', '--ansible-inventory', source]);
      assert.equal(refused.exitCode, 2, refused.stderr);
      assert.match(refused.stderr, /not an Ansible inventory file/);
    }
    const file = join(t.root, 'nodes.csv');
    await writeFile(file, 'name,image\nn1,nosuch\n');
    const bad = await t.cli(['node', 'import', '--csv', file]);
    assert.equal(bad.exitCode, 2, bad.stderr);
    assert.match(bad.stderr, /images that do not exist: nosuch/);
    assert.equal((JSON.parse(await ok(t, ['node', 'list', '--json'])) as unknown[]).length, 0);
  } finally {
    await t.cleanup();
  }
});

test('the assignments file of an earlier version is moved into the inventory by the next command', async () => {
  const t = await makeTempRoot();
  try {
    await ok(t, ['demo', 'create', 'a', '--message', 'a']);
    const { paths } = await t.services();
    await mkdir(paths.stateDir, { recursive: true });
    await writeFile(join(paths.stateDir, 'boot-assignments.json'), JSON.stringify({ version: 1, nodes: { n1: 'a', n2: 'a', '../x': 'a' } }));
    const listed = await t.cli(['boot', 'list']);
    assert.match(listed.stdout, /a\s+2\s+n\[1-2\]/);
    assert.match(listed.stderr, /moved the boot assignments of 2 nodes into the node inventory/);
    assert.deepEqual((await readdir(paths.stateDir)).filter((n) => n.startsWith('boot-assignments')), []);
    assert.match(await ok(t, ['node', 'list']), /n1\s+-\s+a/);
  } finally {
    await t.cleanup();
  }
});

test('node set removes with --unset-image and --unset-var, as a null in an API patch does', async () => {
  const t = await makeTempRoot();
  try {
    for (const image of ['gold', 'test']) await ok(t, ['demo', 'create', image, '--message', image]);
    await ok(t, ['profile', 'add', 'compute', '--image', 'gold']);
    await ok(t, ['node', 'add', 'c1', '--profile', 'compute', '--image', 'test', '--var', 'rack=a', '--var', 'slot=2']);
    await ok(t, ['node', 'set', 'c1', '--unset-image', '--unset-var', 'slot', '--var', 'row=3']);
    const shown = JSON.parse(await ok(t, ['node', 'show', 'c1', '--json'])) as { attributes: Record<string, unknown>; origins: Record<string, unknown> };
    assert.deepEqual(shown.attributes, { image: 'gold', vars: { rack: 'a', row: '3' } });
    assert.equal(shown.origins.image, 'profile:compute', 'the image is inherited again');
    const both = await t.cli(['node', 'set', 'c1', '--var', 'rack=b', '--unset-var', 'rack']);
    assert.equal(both.exitCode, 2);
    assert.match(both.stderr, /both sets and removes vars\.rack/);
  } finally {
    await t.cleanup();
  }
});
