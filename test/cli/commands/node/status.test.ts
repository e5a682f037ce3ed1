import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { overlayArchivePath } from '../../../../src/boot/boot-paths.js';
import { makeTempRoot } from '../../../helpers/temp-root.js';
import { runCli } from '../../../helpers/run-cli.js';

test('node status on a damaged boot records file warns with one line naming the file, then reports every node as never booted', async () => {
  const t = await makeTempRoot();
  const cli = (args: string[]) => runCli(args, { root: t.root });
  try {
    assert.equal((await cli(['node', 'add', 'c[1-2]'])).exitCode, 0);
    const { paths } = await t.services();
    for (const damaged of ['not json at all', '[1, 2]']) {
      await writeFile(paths.nodeBootsFile, damaged);
      const result = await cli(['node', 'status', '--json']);
      assert.equal(result.exitCode, 0, result.stderr);
      assert.equal(JSON.parse(result.stdout).neverBootedNodes, 'c[1-2]');
      assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
      assert.ok(result.stderr.includes(`${paths.nodeBootsFile} is damaged`), result.stderr);
    }
    await writeFile(paths.nodeBootsFile, JSON.stringify({ nodes: {}, unknown: { count: 0, recent: [] } }));
    assert.equal((await cli(['node', 'status'])).stderr, '', 'a sound file: no warning');
  } finally {
    await t.cleanup();
  }
});

test('node status lists the requests of unknown nodes only without a node set: they belong to no node of a set', async () => {
  const t = await makeTempRoot();
  const cli = (args: string[]) => runCli(args, { root: t.root });
  try {
    assert.equal((await cli(['node', 'add', 'c[1-2]'])).exitCode, 0);
    const { paths } = await t.services();
    const ghost = { name: 'ghost', address: '10.9.9.9', path: '/x', at: '2026-11-30T01:02:03.000Z' };
    await writeFile(paths.nodeBootsFile, JSON.stringify({ nodes: {}, unknown: { count: 3, recent: [ghost] } }));
    const all = JSON.parse((await cli(['node', 'status', '--json'])).stdout) as { unknownRequests: unknown };
    assert.deepEqual(all.unknownRequests, { count: 3, recent: [ghost] });
    const some = await cli(['node', 'status', 'c1', '--json']);
    assert.equal((JSON.parse(some.stdout) as { unknownRequests: unknown }).unknownRequests, null);
    assert.doesNotMatch((await cli(['node', 'status', 'c1'])).stdout, /ghost|named no inventory node/);
    assert.match((await cli(['node', 'status'])).stdout, /3 request\(s\) named no inventory node, or came from an address its node is not registered at \(latest: ghost/);
  } finally {
    await t.cleanup();
  }
});

test('node status warns of an overlay archive deleted by hand that a change of another node did not bring back, until `overlay build` does', async () => {
  const t = await makeTempRoot();
  const cli = (args: string[]) => runCli(args, { root: t.root });
  try {
    const services = await t.services();
    await services.images.create('DemoImage', 'alpha', { message: 'hello' });
    assert.equal((await cli(['node', 'add', 'c[1-3]', '--image', 'alpha'])).exitCode, 0);
    assert.equal((await cli(['node', 'status'])).stderr, '', 'every archive in place: no warning');
    await rm(overlayArchivePath(services.paths, 'c2'));
    assert.equal((await cli(['node', 'set', 'c1', '--var', 'rack=r1'])).exitCode, 0);
    const warned = await cli(['node', 'status', '--json']);
    assert.equal(JSON.parse(warned.stdout).missingOverlayNodes, 'c2');
    assert.match(warned.stderr, /the overlay archives of c2 are missing on disk \(or not whole files\), and their node scripts load them: they stop at boot; run `disklessset overlay build`/);
    assert.equal((await cli(['node', 'status', 'c3'])).stderr, '', 'only the nodes asked for');
    // Another node's archive, or an emptied file, in its place stops the node just the same.
    await rm(overlayArchivePath(services.paths, 'c1'));
    await symlink('c3.img', overlayArchivePath(services.paths, 'c1'));
    await writeFile(overlayArchivePath(services.paths, 'c3'), '');
    assert.equal(JSON.parse((await cli(['node', 'status', '--json'])).stdout).missingOverlayNodes, 'c[1-3]');
    assert.equal((await cli(['overlay', 'build'])).exitCode, 0);
    assert.equal((await cli(['node', 'status'])).stderr, '');
  } finally {
    await t.cleanup();
  }
});

test('node status keeps telling the nodes whose overlays could not be rendered after a hand edit, command after command, until they render', async () => {
  const t = await makeTempRoot();
  const cli = (args: string[]) => runCli(args, { root: t.root });
  try {
    const services = await t.services();
    await services.images.create('DemoImage', 'alpha', { message: 'hello' });
    const template = join(services.paths.overlaysDir, 'site', 'etc', 'app.conf.j2');
    await mkdir(dirname(template), { recursive: true });
    await writeFile(template, 'rack {{ node.vars.rack }}\n');
    assert.equal((await cli(['node', 'add', 'c1', '--image', 'alpha', '--overlay', 'site', '--var', 'rack=a', '--var', 'row=1'])).exitCode, 0);
    assert.equal((await cli(['node', 'add', 'c[2-3]', '--image', 'alpha', '--overlay', 'site', '--var', 'rack=a'])).exitCode, 0);
    await writeFile(template, 'rack {{ node.vars.rack }}\nrow {{ node.vars.row }}\n');
    assert.equal((await cli(['node', 'list'])).exitCode, 0, 'the next command rebuilds, leaving c[2-3] as they were');
    for (const round of [1, 2]) {
      const result = await cli(['node', 'status', '--json']);
      const report = JSON.parse(result.stdout) as { unrenderedOverlayNodes: string; unrenderedOverlayNodeCount: number; overlayProblems: { problem: string; nodes: string }[] };
      assert.equal(report.unrenderedOverlayNodes, 'c[2-3]', `round ${round}`);
      assert.equal(report.overlayProblems.length, 1);
      assert.match(report.overlayProblems[0]?.problem ?? '', /overlay site, file etc\/app\.conf\.j2, line 2: a variable or attribute printed is undefined/);
      assert.match(result.stderr, /the overlays of c\[2-3\] could not be rendered \(they keep their last published archive, or none\): .*etc\/app\.conf\.j2, line 2/);
    }
    await writeFile(template, 'rack {{ node.vars.rack }}\nrow {{ node.vars.row | default(0) }}\n');
    assert.equal((await cli(['node', 'list'])).exitCode, 0);
    const fixed = await cli(['node', 'status', '--json']);
    assert.equal(JSON.parse(fixed.stdout).unrenderedOverlayNodeCount, 0);
    assert.equal(fixed.stderr, '');
  } finally {
    await t.cleanup();
  }
});

test('node status warns of nodes given one address by a hand edit: serve gives their secret archives to neither', async () => {
  const t = await makeTempRoot();
  const cli = (args: string[]) => runCli(args, { root: t.root });
  try {
    const services = await t.services();
    await services.images.create('DemoImage', 'alpha', { message: 'hello' });
    const site = join(services.paths.overlaysDir, 'munge');
    await mkdir(join(site, 'etc'), { recursive: true });
    await writeFile(join(site, 'etc', 'munge.key'), 'secret\n');
    await writeFile(join(site, 'overlay.yml'), 'files:\n  /etc/munge.key: {secret: true}\n');
    assert.equal((await cli(['node', 'add', 'c1', '--image', 'alpha', '--overlay', 'munge', '--ip', '10.0.0.1'])).exitCode, 0);
    assert.equal((await cli(['node', 'add', 'c2', '--image', 'alpha', '--overlay', 'munge', '--ip', '10.0.0.2'])).exitCode, 0);
    assert.equal((await cli(['node', 'status'])).stderr, '');
    await writeFile(services.paths.inventoryFile, (await readFile(services.paths.inventoryFile, 'utf8')).replace('10.0.0.2', '10.0.0.1'));
    assert.equal((await cli(['node', 'list'])).exitCode, 0, 'the next command follows the hand edit');
    const result = await cli(['node', 'status', '--json']);
    assert.equal(JSON.parse(result.stdout).sharedAddressNodes, 'c[1-2]');
    assert.match(result.stderr, /c\[1-2\] share a registered address with another node, so serve gives their secret overlay archives to no address/);
  } finally {
    await t.cleanup();
  }
});
