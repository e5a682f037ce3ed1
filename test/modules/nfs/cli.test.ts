import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempRoot } from '../../helpers/temp-root.js';
import { FIXTURE_KERNEL, makeOsTree, passwordFile, stagingByCli } from '../../helpers/nfs-trees.js';

test('the nfs commands: staging, golden, nodes add/list/remove and exports, end to end through the CLI', async () => {
  const temp = await makeTempRoot('legacy-v1-root');
  try {
    await stagingByCli(temp, 'st', ['--release', '12']);
    const golden = await temp.cli(['nfs', 'golden', 'create', 'gd', '--from', 'st']);
    assert.equal(golden.exitCode, 0, golden.stderr);
    const add = await temp.cli(['nfs', 'nodes', 'add', 'gd', 'cn[1-5]']);
    assert.equal(add.exitCode, 0, add.stderr);
    assert.match(add.stdout, /added 5 nodes \((reflink|full) copy\)/);
    const one = await temp.cli(['nfs', 'nodes', 'add', 'gd', 'cn6']);
    assert.match(one.stdout, /added 1 node \((reflink|full) copy\)/, 'one node is not "1 nodes"');
    assert.match((await temp.cli(['--yes', 'nfs', 'nodes', 'remove', 'gd', 'cn6'])).stdout, /removed 1 node\b(?!s)/);
    assert.equal((await temp.cli(['nfs', 'nodes', 'list', 'gd'])).stdout.trim(), 'cn[1-5]');
    const removal = await temp.cli(['nfs', 'nodes', 'remove', 'gd', 'cn[2-3]']);
    assert.notEqual(removal.exitCode, 0, 'removal needs confirmation from a script');
    assert.equal((await temp.cli(['--yes', 'nfs', 'nodes', 'remove', 'gd', 'cn[2-3]'])).exitCode, 0);
    const listing = JSON.parse((await temp.cli(['--json', 'nfs', 'nodes', 'list', 'gd'])).stdout) as { nodes: string; nodeCount: number };
    assert.equal(listing.nodes, 'cn[1,4-5]');
    assert.equal(listing.nodeCount, 3);
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

test('staging create refuses a host, kernel-file-system or non-tar source with exit 2 before registering anything', async () => {
  const temp = await makeTempRoot('legacy-v1-root');
  try {
    const password = await passwordFile(temp);
    const services = await temp.services();
    const before = await readFile(services.paths.installationsFile, 'utf8').catch(() => '');
    for (const source of ['dir:/', 'dir:/dev', 'dir:/proc', 'dir:/sys', 'tar:/etc/passwd']) {
      const result = await temp.cli(['nfs', 'staging', 'create', 'bad', '--kernel', FIXTURE_KERNEL, '--source', source, '--password-file', password]);
      assert.equal(result.exitCode, 2, `${source}: ${result.stderr}`);
      assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
      assert.match(result.stderr, /source/);
      assert.equal(await readFile(services.paths.installationsFile, 'utf8').catch(() => ''), before, 'nothing registered');
      assert.ok(!existsSync(services.paths.imageDir('bad')));
      assert.ok(!existsSync(join(services.paths.stagingDir, 'bad')));
    }
  } finally {
    await temp.cleanup();
  }
});

test('a golden image says its own name in os-release, not its staging image\'s', async () => {
  const temp = await makeTempRoot('legacy-v1-root');
  try {
    await stagingByCli(temp, 'st1');
    const golden = await temp.cli(['nfs', 'golden', 'create', 'g1', '--from', 'st1']);
    assert.equal(golden.exitCode, 0, golden.stderr);
    const services = await temp.services();
    const goldenRelease = await readFile(join(services.paths.goldenDir, 'g1', 'image', 'etc', 'os-release'), 'utf8');
    assert.match(goldenRelease, /^DISKLESS_IMAGE_NAME="g1"$/m);
    assert.match(goldenRelease, /^BLUEBANQUISE_IMAGE_NAME="g1"$/m);
    assert.doesNotMatch(goldenRelease, /st1/);
    assert.match(goldenRelease, /^ID=debian$/m, 'the rest of os-release is kept');
    const stagingRelease = await readFile(join(services.paths.stagingDir, 'st1', 'etc', 'os-release'), 'utf8');
    assert.match(stagingRelease, /^DISKLESS_IMAGE_NAME="st1"$/m, 'the staging tree is untouched');
  } finally {
    await temp.cleanup();
  }
});

test('staging create takes --from-file and the same option names as livenet; the key is kept as text in ssh_pub_key', async () => {
  const temp = await makeTempRoot('legacy-v1-root');
  try {
    const source = join(temp.root, 'tree');
    await makeOsTree(source);
    const password = await passwordFile(temp);
    await writeFile(join(temp.root, 'key.pub'), 'ssh-ed25519 AAAAstaging ops@site\n');
    const spec = join(temp.root, 'staging.yml');
    await writeFile(spec, [`kernel: ${FIXTURE_KERNEL}`, `source: dir:${source}`, `password-file: ${password}`,
      `ssh_key: ${join(temp.root, 'key.pub')}`, 'type: small', 'release_version: 11', 'selinux: true', ''].join('\n'));
    const made = await temp.cli(['nfs', 'staging', 'create', 'fromspec', '--from-file', spec, '--release', '12']);
    assert.equal(made.exitCode, 0, made.stderr);
    const services = await temp.services();
    const data = (await services.images.get('fromspec')).data;
    assert.equal(data.release_version, '12', 'the command line wins over the file, whatever spelling the file used');
    assert.equal(data.os_type, 'small');
    assert.equal(data.selinux, true);
    assert.equal(data.ssh_pub_key, 'ssh-ed25519 AAAAstaging ops@site');
    assert.equal((await readFile(join(services.paths.stagingDir, 'fromspec', 'root/.ssh/authorized_keys'), 'utf8')).trim(),
      'ssh-ed25519 AAAAstaging ops@site');

    await writeFile(spec, `kernel: ${FIXTURE_KERNEL}\npakages: vim\n`);
    const typo = await temp.cli(['nfs', 'staging', 'create', 'typo', '--from-file', spec]);
    assert.equal(typo.exitCode, 2);
    assert.match(typo.stderr, /unknown key "pakages" in .*staging\.yml; did you mean packages\?/);
    assert.ok(!existsSync(services.paths.imageDir('typo')));
  } finally {
    await temp.cleanup();
  }
});

test('an NFS staging image: history says such images keep no versions, and livenet-only commands name its kind in words', async () => {
  const temp = await makeTempRoot('legacy-v1-root');
  try {
    await stagingByCli(temp, 'st', ['--release', '12']);
    const history = await temp.cli(['image', 'history', 'st']);
    assert.equal(history.exitCode, 0, history.stderr);
    assert.equal(history.stdout.trim(), 'image st has no versions: it is an NFS staging image, and versions are kept for livenet images only');
    const diff = await temp.cli(['image', 'diff', 'st', 'st']);
    assert.equal(diff.exitCode, 2, diff.stderr);
    assert.equal(diff.stderr.trim().split('\n').length, 1, diff.stderr);
    assert.match(diff.stderr, /image "st" is an NFS staging image, not a livenet image/);
  } finally {
    await temp.cleanup();
  }
});
