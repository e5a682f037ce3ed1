import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempRoot } from '../helpers/temp-root.js';
import { FIXTURE_KERNEL, makeOsTree } from './trees.js';

test('the nfs commands: staging, golden, nodes add/list/remove and exports, end to end through the CLI', async () => {
  const temp = await makeTempRoot('legacy-v1-root');
  try {
    const source = join(temp.root, 'tree');
    await makeOsTree(source);
    const password = join(temp.root, 'password');
    await writeFile(password, 'secret\n');
    const staging = await temp.cli(['nfs', 'staging', 'create', 'st', '--kernel', FIXTURE_KERNEL, '--source', `dir:${source}`,
      '--password-file', password, '--release', '12']);
    assert.equal(staging.exitCode, 0, staging.stderr);
    const golden = await temp.cli(['nfs', 'golden', 'create', 'gd', '--from', 'st']);
    assert.equal(golden.exitCode, 0, golden.stderr);
    const add = await temp.cli(['nfs', 'nodes', 'add', 'gd', 'cn[1-5]']);
    assert.equal(add.exitCode, 0, add.stderr);
    assert.match(add.stdout, /added 5 nodes \((reflink|full) copy\)/);
    assert.equal((await temp.cli(['nfs', 'nodes', 'list', 'gd'])).stdout.trim(), 'cn[1-5]');
    const removal = await temp.cli(['nfs', 'nodes', 'remove', 'gd', 'cn[2-3]']);
    assert.notEqual(removal.exitCode, 0, 'removal needs confirmation from a script');
    assert.equal((await temp.cli(['--yes', 'nfs', 'nodes', 'remove', 'gd', 'cn[2-3]'])).exitCode, 0);
    const listing = JSON.parse((await temp.cli(['--json', 'nfs', 'nodes', 'list', 'gd'])).stdout) as { nodes: string; count: number };
    assert.equal(listing.nodes, 'cn[1,4-5]');
    assert.equal(listing.count, 3);
    const printed = await temp.cli(['nfs', 'exports', '--print']);
    assert.equal(printed.exitCode, 0, printed.stderr);
    assert.match(printed.stdout, /would write .*diskless\.exports/);
    assert.ok(!existsSync(join(temp.root, 'etc/exports.d/diskless.exports')));
    assert.equal((await temp.cli(['nfs', 'exports', '--ganesha'])).exitCode, 0);
    assert.match(await readFile(join(temp.root, 'etc/ganesha/diskless.conf'), 'utf8'), /Pseudo = "\/diskless\/images\/nfsimages";/);
    assert.equal((await temp.cli(['--yes', 'image', 'remove', 'gd'])).exitCode, 0);
    assert.ok(!existsSync(join(temp.root, 'diskless/images/nfsimages/golden/gd')));
    const bad = await temp.cli(['nfs', 'nodes', 'add', 'compute_golden', 'c[1-']);
    assert.equal(bad.exitCode, 2);
  } finally {
    await temp.cleanup();
  }
});
