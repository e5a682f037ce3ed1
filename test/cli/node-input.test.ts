import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { runCli } from '../helpers/run-cli.js';
import { makeTempRoot } from '../helpers/temp-root.js';

test('bad node options exit 2 with one line and change nothing: repeated --ip, --image with --unset-image, a missing image or profile, a name taking a MAC script, a reserved variable name', async () => {
  const t = await makeTempRoot();
  const cli = (args: string[]) => runCli(args, { root: t.root });
  try {
    assert.equal((await cli(['demo', 'create', 'gold', '--message', 'g'])).exitCode, 0);
    assert.equal((await cli(['profile', 'add', 'compute'])).exitCode, 0);
    assert.equal((await cli(['node', 'add', 'n1', '--ip', '10.0.0.1', '--image', 'gold', '--mac', '52:54:00:00:00:04'])).exitCode, 0);
    const { paths } = await t.services();
    const before = await readFile(paths.inventoryFile, 'utf8');
    const cases: [string[], RegExp][] = [
      [['node', 'set', 'n1', '--ip', '10.0.0.2', '--ip', '10.0.0.3'], /--ip given twice; give it once/],
      [['node', 'set', 'n1', '--image', 'gold', '--unset-image'], /the change both sets and removes image/],
      [['node', 'set', 'n1', '--image', 'nosuch'], /no image named nosuch; give one of: gold/],
      [['node', 'add', 'n2', '--image', 'nosuch'], /no image named nosuch/],
      // A pinned reference to a missing image names the image, not the reference.
      [['node', 'set', 'n1', '--image', 'nosuch@0123456789ab'], /no image named nosuch; give one of: gold/],
      [['boot', 'set', 'n1', 'nosuch'], /nosuch/],
      [['node', 'add', 'n2', '--profile', 'nope'], /no profile named nope; .*profiles: compute/],
      [['node', 'set', 'n1', '--profile', 'nope'], /no profile named nope/],
      [['profile', 'set', 'compute', '--image', 'nosuch'], /no image named nosuch/],
      [['node', 'add', 'n2', '--ip', '10.0.0.1'], /IP 10\.0\.0\.1 would belong to both n1 and n2/],
      [['node', 'set', 'n1', '--var', '__proto__=x'], /variable name __proto__ in the options is a reserved name/],
      [['node', 'add', 'n2', '--var', 'constructor=x'], /variable name constructor in the options is a reserved name/],
      [['node', 'set', 'n1', '--unset-var', '__proto__'], /variable name __proto__ in the options is a reserved name/],
      [['profile', 'set', 'compute', '--var', '__proto__=x'], /reserved name/],
      [['node', 'add', 'n2', '--ip', '::ffff:10.0.0.1'], /IP 10\.0\.0\.1 would belong to both n1 and n2/],
      [['node', 'add', '52-54-00-00-00-04', '--image', 'gold'], /node name 52-54-00-00-00-04 is the MAC 52:54:00:00:00:04 of node n1/],
    ];
    for (const [args, message] of cases) {
      const result = await cli(args);
      assert.equal(result.exitCode, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
      assert.match(result.stderr, message);
    }
    assert.equal(await readFile(paths.inventoryFile, 'utf8'), before);
  } finally {
    await t.cleanup();
  }
});

test('a bare noun prints its help, but with --json it is an error naming its commands (help is not JSON), like every noun', async () => {
  const t = await makeTempRoot();
  try {
    for (const noun of ['node', 'image']) {
      const help = await runCli([noun], { root: t.root });
      assert.equal(help.exitCode, 0);
      assert.match(help.stdout, /Usage:/);
      const json = await runCli([noun, '--json'], { root: t.root });
      assert.equal(json.exitCode, 2);
      assert.equal(json.stdout, '');
      assert.equal((JSON.parse(json.stderr) as { code: string }).code, 'E_USAGE');
      assert.match(json.stderr, /list/);
    }
    assert.equal((await runCli(['node', '--help', '--json'], { root: t.root })).exitCode, 0, 'help asked for is help');
  } finally {
    await t.cleanup();
  }
});

test('profile list --json names the nodes of each profile, folded, with their count', async () => {
  const t = await makeTempRoot();
  const cli = (args: string[]) => runCli(args, { root: t.root });
  try {
    assert.equal((await cli(['profile', 'add', 'compute'])).exitCode, 0);
    assert.equal((await cli(['profile', 'add', 'idle'])).exitCode, 0);
    assert.equal((await cli(['node', 'add', 'c[01-10]', '--profile', 'compute'])).exitCode, 0);
    const listed = JSON.parse((await cli(['profile', 'list', '--json'])).stdout) as { name: string; nodes: string; nodeCount: number }[];
    assert.deepEqual(listed.map((p) => [p.name, p.nodes, p.nodeCount]), [['compute', 'c[01-10]', 10], ['idle', '', 0]]);
  } finally {
    await t.cleanup();
  }
});

test('profile remove counts one node as "1 node", and its refusal names the CLI option to force it', async () => {
  const t = await makeTempRoot();
  const cli = (args: string[]) => runCli(args, { root: t.root });
  try {
    assert.equal((await cli(['profile', 'add', 'compute'])).exitCode, 0);
    assert.equal((await cli(['node', 'add', 'c1', '--profile', 'compute'])).exitCode, 0);
    const refused = await cli(['profile', 'remove', 'compute']);
    assert.equal(refused.exitCode, 1);
    assert.match(refused.stderr, /profile compute is used by c1 \(1 node\);.*--force/);
    assert.match((await cli(['profile', 'remove', 'compute', '--force'])).stdout, /taken out of the profiles of c1 \(1 node\)$/m);
  } finally {
    await t.cleanup();
  }
});

test('node import of an empty CSV file exits 2 with one line: no name column', async () => {
  const t = await makeTempRoot();
  try {
    const file = `${t.root}/empty.csv`;
    await writeFile(file, '');
    const result = await runCli(['node', 'import', '--csv', file], { root: t.root });
    assert.equal(result.exitCode, 2, result.stderr);
    assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
    assert.match(result.stderr, /no "name" column/);
  } finally {
    await t.cleanup();
  }
});

test('a node name holding a newline or another control character gives one line with it escaped', async () => {
  const root = await makeTempRoot();
  try {
    for (const args of [['node', 'add', 'bad\nname'], ['node', 'set', 'n1\u001bx', '--ip', '10.0.0.1'], ['node', 'ssh-keys', 'n\n1']]) {
      const result = await root.cli(args);
      assert.equal(result.exitCode, 2, args.join(' '));
      assert.equal(result.stderr.split('\n').length, 2, JSON.stringify(result.stderr));
      assert.match(result.stderr, /^disklessset: invalid node names: (bad\\x0aname|n1\\x1bx|n\\x0a1); /);
    }
  } finally {
    await root.cleanup();
  }
});
