import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { runCli } from '../helpers/run-cli.js';
import { CLI, makeTempRoot } from '../helpers/temp-root.js';
import { stagingByCli } from '../helpers/nfs-trees.js';

test('a CSV naming profiles that do not exist is refused listing them, unless --create-profiles', async () => {
  const t = await makeTempRoot();
  try {
    const file = join(t.root, 'nodes.csv');
    await writeFile(file, 'name,profiles\nn1,compute;gpu\n');
    const refused = await runCli(['node', 'import', '--csv', file], { root: t.root });
    assert.equal(refused.exitCode, 2);
    assert.match(refused.stderr, /profiles that do not exist: compute, gpu; .*--create-profiles/);
    const { paths } = await t.services();
    await assert.rejects(readFile(paths.inventoryFile), 'nothing written');
    const done = await runCli(['node', 'import', '--csv', file, '--create-profiles', '--json'], { root: t.root });
    assert.equal(done.exitCode, 0, done.stderr);
    assert.deepEqual((JSON.parse(done.stdout) as { profilesCreated: string[] }).profilesCreated, ['compute', 'gpu']);
  } finally {
    await t.cleanup();
  }
});

test('a CSV overlays column with an invalid or unknown overlay is refused naming the file and line, nothing written', async () => {
  const t = await makeTempRoot();
  try {
    const file = join(t.root, 'nodes.csv');
    const { paths } = await t.services();
    for (const [overlays, message] of [['../x', /^disklessset: invalid overlay name "\.\.\/x" in \S+nodes\.csv line 3; /], ['hostname;nope', /^disklessset: no overlay named nope \(\S+nodes\.csv line 3\); known overlays: /]] as const) {
      await writeFile(file, `name,overlays\nn1,hostname\nn2,${overlays}\n`);
      const refused = await runCli(['node', 'import', '--csv', file], { root: t.root });
      assert.equal(refused.exitCode, 2, overlays);
      assert.match(refused.stderr, message);
      assert.equal(refused.stderr.trim().split('\n').length, 1);
      await assert.rejects(readFile(paths.inventoryFile), 'nothing written');
    }
  } finally {
    await t.cleanup();
  }
});

test('an import naming a node that differs only in case from another is refused, nothing written', async () => {
  const t = await makeTempRoot();
  try {
    const file = join(t.root, 'nodes.csv');
    await writeFile(file, 'name,ip\nc001,10.0.0.1\n');
    assert.equal((await runCli(['node', 'import', '--csv', file], { root: t.root })).exitCode, 0);
    const { paths } = await t.services();
    const before = await readFile(paths.inventoryFile, 'utf8');
    await writeFile(file, 'name,ip\nC001,10.0.0.2\n');
    const refused = await runCli(['node', 'import', '--csv', file], { root: t.root });
    assert.equal(refused.exitCode, 2, refused.stderr);
    assert.match(refused.stderr, /node C001 differs only in case from node c001/);
    assert.equal(await readFile(paths.inventoryFile, 'utf8'), before);
  } finally {
    await t.cleanup();
  }
});

test('a node import killed with SIGTERM leaves no ansible-inventory running', async () => {
  const t = await makeTempRoot();
  try {
    // A stand-in that never answers (failure injection): it records its pid and waits.
    const bin = join(t.root, 'fake-bin');
    await mkdir(bin);
    const pidFile = join(t.root, 'child.pid');
    await writeFile(join(bin, 'ansible-inventory'), `#!/bin/sh\necho $$ > '${pidFile}'\nexec sleep 1000\n`);
    await chmod(join(bin, 'ansible-inventory'), 0o755);
    const inventory = join(t.root, 'hosts.ini');
    await writeFile(inventory, '[compute]\nc1\n');
    const parent = spawn(process.execPath, [CLI, '--root', t.root, 'node', 'import', '--ansible-inventory', inventory],
      { env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` }, stdio: 'ignore' });
    let pid: number | undefined;
    while (pid === undefined) {
      const text = await readFile(pidFile, 'utf8').catch(() => '');
      if (/^\d+\n$/.test(text)) pid = Number(text);
      else await sleep(50);
    }
    const exited = once(parent, 'exit');
    parent.kill('SIGTERM');
    await exited;
    // The child's group was signalled before the parent exited; wait until the kernel has reaped it.
    const alive = (id: number) => { try { process.kill(id, 0); return true; } catch { return false; } };
    for (let i = 0; i < 100 && alive(pid); i++) await sleep(50);
    assert.equal(alive(pid), false, 'ansible-inventory was stopped with the command');
  } finally {
    await t.cleanup();
  }
});

test('an import giving nodes an NFS golden image is refused without their trees, and --create-tree makes them as node add does', async () => {
  const t = await makeTempRoot('legacy-v1-root');
  try {
    await stagingByCli(t, 'st');
    assert.equal((await t.cli(['nfs', 'golden', 'create', 'gd', '--from', 'st'])).exitCode, 0);
    const file = join(t.root, 'nodes.csv');
    await writeFile(file, 'name,image\ng1,gd\ng2,gd\n');
    const refused = await t.cli(['node', 'import', '--csv', file]);
    assert.equal(refused.exitCode, 2, refused.stderr);
    assert.match(refused.stderr, /image gd has no node tree for g\[1-2\] \(2 nodes\).*--create-tree/);
    const done = await t.cli(['node', 'import', '--csv', file, '--create-tree']);
    assert.equal(done.exitCode, 0, done.stderr);
    assert.match(done.stdout, /imported 2 nodes: 2 added/);
    assert.equal((await t.cli(['nfs', 'nodes', 'list', 'gd'])).stdout.trim(), 'g[1-2]', 'the trees were made');
    const listed = JSON.parse((await t.cli(['node', 'list', '--json'])).stdout) as { name: string; image: string }[];
    assert.deepEqual(listed.map((node) => `${node.name}:${node.image}`), ['g1:gd', 'g2:gd']);
  } finally {
    await t.cleanup();
  }
});
