import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generationsDir } from '../../src/boot/boot-paths.js';
import { fetchAnswer, startServer } from '../helpers/serve-fixture.js';
import { rootWithDemoImages } from '../helpers/inventory.js';

test('node scripts are served through the nodes link to the newest generation; the previous one is kept, older ones deleted', async () => {
  const { t, paths } = await rootWithDemoImages('a', 'b');
  try {
    for (const image of ['a', 'b', 'a']) assert.equal((await t.cli(['boot', 'set', 'n[1-3]', image])).exitCode, 0);
    const link = await readlink(paths.bootNodesDir);
    assert.match(link, /^nodes\.gen\/\d+$/, 'a relative link inside the tree');
    const kept = (await readdir(generationsDir(paths))).sort((x, y) => Number(x) - Number(y));
    assert.equal(kept.length, 2, `the published generation and its previous one: ${kept.join(' ')}`);
    assert.equal(`nodes.gen/${kept[1]}`, link);
    assert.match(await readFile(join(generationsDir(paths), kept[0] as string, 'n1.ipxe'), 'utf8'), /images\/b\/boot\.ipxe/, 'the previous set is still whole');

    const server = await startServer(paths.httpRoot);
    try {
      const nodesUrl = paths.urlPath('bootNodesDir');
      const script = await fetchAnswer(server.url, `${nodesUrl}/n2.ipxe`);
      assert.equal(script.status, 200);
      assert.match(script.body.toString(), /set diskless-image a\n/);
      assert.equal((await fetchAnswer(server.url, `${nodesUrl}/.manifest.json`)).status, 404, 'the manifest is never served');
      // A link that leaves the tree stays refused, whatever its name.
      const outside = await mkdtemp(join(tmpdir(), 'disklessset-outside-'));
      await writeFile(join(outside, 'n9.ipxe'), 'secret');
      await rm(join(generationsDir(paths), 'escape'), { force: true });
      await symlink(outside, join(generationsDir(paths), 'escape'));
      assert.equal((await fetchAnswer(server.url, `${nodesUrl}.gen/escape/n9.ipxe`)).status, 403);
      await rm(outside, { recursive: true, force: true });
    } finally {
      await server.close();
    }
  } finally {
    await t.cleanup();
  }
});

test('the nodes folder of an earlier version is moved aside by the next command and replaced by a generation', async () => {
  const { t, paths } = await rootWithDemoImages('a');
  try {
    assert.equal((await t.cli(['boot', 'set', 'n[1-2]', 'a'])).exitCode, 0);
    // The layout of earlier versions: a real folder of scripts, no generation, no pointer.
    await rm(paths.bootNodesDir);
    await rm(generationsDir(paths), { recursive: true });
    await rm(join(paths.stateDir, 'boot-generation.json'));
    await mkdir(paths.bootNodesDir);
    await writeFile(join(paths.bootNodesDir, 'n1.ipxe'), 'old script');
    await writeFile(join(paths.bootNodesDir, 'aa-bb-cc-dd-ee-ff.ipxe'), 'placed by hand');

    const listed = await t.cli(['boot', 'list']);
    assert.equal(listed.exitCode, 0, listed.stderr);
    assert.match(listed.stderr, /re-derived the boot scripts from nodes\.yml \(2 file/);
    assert.ok((await lstat(paths.bootNodesDir)).isSymbolicLink());
    assert.deepEqual((await readdir(paths.bootNodesDir)).sort(), ['.manifest.json', 'n1.ipxe', 'n2.ipxe']);
    assert.match(await readFile(join(paths.bootNodesDir, 'n1.ipxe'), 'utf8'), /images\/a\/boot\.ipxe/);
    const legacy = (await readdir(generationsDir(paths))).filter((name) => name.startsWith('legacy-'));
    assert.equal(legacy.length, 1, 'the old folder is kept aside for the administrator');
    assert.equal(await readFile(join(generationsDir(paths), legacy[0] as string, 'aa-bb-cc-dd-ee-ff.ipxe'), 'utf8'), 'placed by hand');
  } finally {
    await t.cleanup();
  }
});

test('MAC addresses of a node (its own or from a profile) get <mac>.ipxe scripts booting its image, in the same generation', async () => {
  const { t, paths } = await rootWithDemoImages('a');
  try {
    assert.equal((await t.cli(['profile', 'add', 'gpu', '--image', 'a', '--mac', '02:00:00:00:00:99'])).exitCode, 0);
    assert.equal((await t.cli(['node', 'add', 'g1', '--profile', 'gpu'])).exitCode, 0);
    // Under a strict umask too, scripts are world-readable (else they would not be served).
    const umask = process.umask(0o077);
    try {
      assert.equal((await t.cli(['node', 'add', 'n1', '--image', 'a', '--mac', '02:00:00:00:00:01'])).exitCode, 0);
    } finally {
      process.umask(umask);
    }
    assert.equal((await stat(join(paths.bootNodesDir, 'n1.ipxe'))).mode & 0o777, 0o644);
    assert.equal((await t.cli(['node', 'add', 'n2', '--mac', '02:00:00:00:00:02'])).exitCode, 0);
    const files = (await readdir(paths.bootNodesDir)).filter((f) => f.endsWith('.ipxe')).sort();
    assert.deepEqual(files, ['02-00-00-00-00-01.ipxe', '02-00-00-00-00-99.ipxe', 'g1.ipxe', 'n1.ipxe'], 'n2 has no image: no script, not even by MAC');
    assert.match(await readFile(join(paths.bootNodesDir, '02-00-00-00-00-01.ipxe'), 'utf8'), /node n1 boots image a/);
    assert.equal((await t.cli(['node', 'set', 'n1', '--unset-image'])).exitCode, 0);
    assert.ok(!(await readdir(paths.bootNodesDir)).includes('02-00-00-00-00-01.ipxe'), 'unassigned: its MAC script goes too');
  } finally {
    await t.cleanup();
  }
});

test('a hand edit of nodes.yml is published by the next command, whatever it is', async () => {
  const { t, paths } = await rootWithDemoImages('a', 'b');
  try {
    assert.equal((await t.cli(['boot', 'set', 'n[1-2]', 'a'])).exitCode, 0);
    const text = await readFile(paths.inventoryFile, 'utf8');
    await writeFile(paths.inventoryFile, text.replace('  n2:\n    image: a\n', '  n2:\n    image: b\n  n3:\n    image: b\n'));
    const next = await t.cli(['kernel', 'list']);
    assert.equal(next.exitCode, 0, next.stderr);
    assert.match(next.stderr, /re-derived the boot scripts from nodes\.yml \(3 file/);
    assert.match(await readFile(join(paths.bootNodesDir, 'n2.ipxe'), 'utf8'), /images\/b\/boot\.ipxe/);
    assert.match(await readFile(join(paths.bootNodesDir, 'n3.ipxe'), 'utf8'), /images\/b\/boot\.ipxe/);
    const listed = await t.cli(['node', 'list', '--json']);
    assert.equal(listed.stderr, '', 'once published, nothing more to repair');
    assert.deepEqual((JSON.parse(listed.stdout) as { name: string; image: string }[]).map((n) => `${n.name}:${n.image}`), ['n1:a', 'n2:b', 'n3:b']);
  } finally {
    await t.cleanup();
  }
});

test('a damaged nodes.yml: commands reading nodes fail with one line naming the file and the YAML error; others warn and go on; scripts stay', async () => {
  const { t, paths } = await rootWithDemoImages('a');
  try {
    assert.equal((await t.cli(['boot', 'set', 'n1', 'a'])).exitCode, 0);
    await writeFile(paths.inventoryFile, 'nodes:\n  n1: {image: a\n');
    for (const command of [['node', 'list'], ['node', 'list', '--json'], ['boot', 'list'], ['node', 'show', 'n1']]) {
      const answer = await t.cli(command);
      assert.equal(answer.exitCode, 1, command.join(' '));
      assert.equal(answer.stdout, '', command.join(' '));
      const lines = answer.stderr.trim().split('\n');
      assert.equal(lines.length, 1, `${command.join(' ')}: ${answer.stderr}`);
      assert.ok(lines[0]?.includes(`${paths.inventoryFile} is not a valid node inventory: Flow map`), answer.stderr);
    }
    const other = await t.cli(['kernel', 'list']);
    assert.equal(other.exitCode, 0);
    assert.match(other.stderr, /^disklessset: warning: node scripts stay as last published: \S+nodes\.yml is not a valid node inventory: Flow map[^\n]*\n$/);
    assert.match(await readFile(join(paths.bootNodesDir, 'n1.ipxe'), 'utf8'), /images\/a\/boot\.ipxe/);
  } finally {
    await t.cleanup();
  }
});

test('an emptied or deleted nodes.yml does not unpublish the node scripts: commands warn, scripts stay; `nodes: {}` removes them on purpose', async () => {
  const { t, paths } = await rootWithDemoImages('a');
  try {
    assert.equal((await t.cli(['boot', 'set', 'n[1-3]', 'a'])).exitCode, 0);
    const scripts = async () => (await readdir(paths.bootNodesDir)).filter((f) => f.endsWith('.ipxe')).sort();
    for (const damage of [() => writeFile(paths.inventoryFile, ''), () => rm(paths.inventoryFile)]) {
      await damage();
      const other = await t.cli(['kernel', 'list']);
      assert.equal(other.exitCode, 0);
      assert.match(other.stderr, /warning: node scripts stay as last published: \S+nodes\.yml is (empty|missing), but node scripts were published from it/);
      assert.deepEqual(await scripts(), ['n1.ipxe', 'n2.ipxe', 'n3.ipxe'], 'a truncated or deleted inventory keeps every node booting');
    }
    await writeFile(paths.inventoryFile, 'nodes: {}\n');
    assert.equal((await t.cli(['kernel', 'list'])).exitCode, 0);
    assert.deepEqual(await scripts(), [], 'an inventory emptied on purpose unpublishes the scripts');
  } finally {
    await t.cleanup();
  }
});

test('a hand edit naming an image that does not exist: the next command warns once naming the nodes and the image, and they get no script', async () => {
  const { t, paths } = await rootWithDemoImages('a');
  try {
    assert.equal((await t.cli(['node', 'add', 'n[1-3]', '--image', 'a', '--mac', '02:00:00:00:00:01'])).exitCode, 2, 'one MAC for three nodes');
    assert.equal((await t.cli(['node', 'add', 'n1', '--image', 'a', '--mac', '02:00:00:00:00:01'])).exitCode, 0);
    assert.equal((await t.cli(['node', 'add', 'n[2-3]', '--image', 'a'])).exitCode, 0);
    const text = await readFile(paths.inventoryFile, 'utf8');
    await writeFile(paths.inventoryFile, text.replace(/( {2}n1:\n(?: {4}.*\n)*? {4}image: )a/, '$1gone').replace(/( {2}n2:\n {4}image: )a/, '$1gone'));
    const next = await t.cli(['kernel', 'list']);
    assert.equal(next.exitCode, 0, next.stderr);
    const warnings = next.stderr.split('\n').filter((line) => line.includes('warning'));
    assert.equal(warnings.length, 1, next.stderr);
    assert.match(warnings[0] as string, /n\[1-2\] \(2 nodes\) name image gone, which does not exist: no node script is published for them/);
    const files = (await readdir(paths.bootNodesDir)).filter((f) => f.endsWith('.ipxe')).sort();
    assert.deepEqual(files, ['n3.ipxe'], 'neither their node scripts nor n1\'s MAC script point at a missing image');
    const again = await t.cli(['node', 'list']);
    assert.equal(again.exitCode, 0);
    assert.doesNotMatch(again.stderr, /warning/, 'said once');
    assert.match(again.stdout, /^n1 .*gone/m, 'the inventory keeps what the file says');
    // An unrelated change publishes no script for them either.
    assert.equal((await t.cli(['node', 'add', 'n4', '--image', 'a'])).exitCode, 0);
    assert.deepEqual((await readdir(paths.bootNodesDir)).filter((f) => f.endsWith('.ipxe')).sort(), ['n3.ipxe', 'n4.ipxe']);
  } finally {
    await t.cleanup();
  }
});
