import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { makeTempRoot } from '../../../helpers/temp-root.js';
import { runCli } from '../../../helpers/run-cli.js';

const SEEN = '2026-11-30T01:02:03.000Z';

test('node list shows when serve last saw each node (text and --json), from the boot records', async () => {
  const t = await makeTempRoot();
  const cli = (args: string[]) => runCli(args, { root: t.root });
  try {
    assert.equal((await cli(['node', 'add', 'c[1-2]'])).exitCode, 0);
    const { paths } = await t.services();
    await writeFile(paths.nodeBootsFile, JSON.stringify({ nodes: { c1: { lastSeen: SEEN, address: '10.0.0.1', stages: {} } }, unknown: { count: 0, recent: [] } }));
    const listed = JSON.parse((await cli(['node', 'list', '--json'])).stdout) as { name: string; lastSeen: string | null }[];
    assert.deepEqual(listed.map((node) => [node.name, node.lastSeen]), [['c1', SEEN], ['c2', null]]);
    const text = await cli(['node', 'list']);
    assert.match(text.stdout, /^NAME\s+PROFILES\s+IMAGE\s+MAC\s+IP\s+LAST SEEN\nc1\s+-\s+-\s+-\s+-\s+2026-11-30T01:02:03\.000Z\nc2\s+-\s+-\s+-\s+-\s+-\n$/);
    assert.equal(text.stderr, '');
  } finally {
    await t.cleanup();
  }
});

test('node list with nodes missing from the inventory is refused naming them, as node status does; nothing is printed', async () => {
  const t = await makeTempRoot();
  const cli = (args: string[]) => runCli(args, { root: t.root });
  try {
    assert.equal((await cli(['node', 'add', 'c1'])).exitCode, 0);
    const result = await cli(['node', 'list', 'c1,unknown,x[1-2]']);
    assert.equal(result.exitCode, 1);
    assert.equal(result.stdout, '');
    assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
    assert.match(result.stderr, /unknown,x\[1-2\] not in the inventory|x\[1-2\],unknown not in the inventory/);
    assert.equal(JSON.parse((await cli(['node', 'list', 'c1', '--json'])).stdout).length, 1);
  } finally {
    await t.cleanup();
  }
});

test('a damaged boot records file: node list warns once naming the file and still lists the nodes, leaving the file as it is', async () => {
  const t = await makeTempRoot();
  const cli = (args: string[]) => runCli(args, { root: t.root });
  try {
    assert.equal((await cli(['node', 'add', 'c1'])).exitCode, 0);
    const { paths } = await t.services();
    await writeFile(paths.nodeBootsFile, '{"nodes": {"c1": ');
    const result = await cli(['node', 'list']);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.match(result.stdout, /^c1\s/m);
    assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
    assert.ok(result.stderr.includes(`${paths.nodeBootsFile} is damaged`), result.stderr);
    assert.equal(await readFile(paths.nodeBootsFile, 'utf8'), '{"nodes": {"c1": ');
  } finally {
    await t.cleanup();
  }
});
