/**
 * The dnf source run for real: tiny RPMs built here, signed, indexed with
 * createrepo_c (one repository on disk, one served over HTTP), installed by
 * `nfs staging create --source dnf` and `livenet create`/`image rebuild`.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { makeTempRoot, type TempRoot } from '../../helpers/temp-root.js';
import { addDummyKernel, TEST_KERNEL } from '../../helpers/livenet-fixtures.js';
import { makeRpmRepo, makeSigningKey, serveFolder, type ServedFolder } from '../../helpers/rpm-repos.js';
import { run } from '../../../src/system/runner.js';
import { EL_RPM_DBPATH } from '../../../src/core/os/dnf.js';

let world: string;
let served: ServedFolder;
/** file: URL of the base repository, with `$releasever` where the release goes (it lives in base/9/repo). */
let baseRepo: string;
/** http: URL of the repository holding tiny-extra, which needs tiny-hello from the base repository. */
let extraRepo: string;
let unsignedRepo: string;
let keyUrl: string;

before(async () => {
  world = await mkdtemp(join(tmpdir(), 'disklessset-dnf-'));
  const key = await makeSigningKey(world);
  keyUrl = pathToFileURL(key.publicKeyFile).href;
  await makeRpmRepo(join(world, 'base', '9'), [
    { name: 'tiny-release', files: { '/etc/tiny-release': 'Tiny Linux release 9' } },
    {
      name: 'tiny-hello', files: { '/usr/share/tiny/hello': 'hello', '/usr/share/doc/tiny-hello/README': 'read me' },
      docs: ['/usr/share/doc/tiny-hello/README'], requires: ['tiny-release'], recommends: ['tiny-weak'],
    },
    { name: 'tiny-weak', files: { '/usr/share/tiny/weak': 'recommended' } },
    { name: 'tiny-group-only', files: { '/usr/share/tiny/group': 'installed through @core' } },
    // The `standard` set is @core plus kernel-modules: a tiny stand-in of that name lets the real set be installed.
    { name: 'kernel-modules', files: { '/usr/share/tiny/kernel-modules': 'modules' } },
  ], { key, groups: [{ id: 'core', packages: ['tiny-group-only'] }] });
  baseRepo = `${pathToFileURL(join(world, 'base')).href}/$releasever/repo`;
  await makeRpmRepo(join(world, 'extra'), [
    { name: 'tiny-extra', files: { '/usr/share/tiny/extra': 'extra' }, requires: ['tiny-hello'] },
  ], { key });
  served = await serveFolder(join(world, 'extra'));
  extraRepo = `${served.url}repo/`;
  unsignedRepo = pathToFileURL(await makeRpmRepo(join(world, 'unsigned'), [
    {
      name: 'kernel-modules', files: { '/usr/share/tiny/kernel-modules': 'modules', '/usr/share/doc/kernel-modules/README': 'read me' },
      docs: ['/usr/share/doc/kernel-modules/README'], recommends: ['tiny-weak'],
    },
    { name: 'tiny-weak', files: { '/usr/share/tiny/weak': 'recommended' } },
  ], { groups: [{ id: 'core', packages: ['kernel-modules'] }] })).href;
});

after(async () => {
  await served?.close();
  if (world) await rm(world, { recursive: true, force: true });
});

async function rootWithPassword(): Promise<{ temp: TempRoot; password: string }> {
  const temp = await makeTempRoot();
  await addDummyKernel((await temp.services()).paths.kernelsDir);
  const password = join(temp.root, 'password');
  await writeFile(password, 'secret\n');
  return { temp, password };
}

async function installedPackages(tree: string): Promise<string[]> {
  const result = await run(['rpm', '--root', tree, '--dbpath', EL_RPM_DBPATH, '-qa', '--qf', '%{NAME}\n'], { timeoutMs: 60_000 });
  return result.stdout.split('\n').filter(Boolean).sort();
}

test('a staging image from two --repo repositories: the set, its group, extra packages and dependencies land in the tree and its rpm database', async () => {
  const { temp, password } = await rootWithPassword();
  try {
    const made = await temp.cli(['nfs', 'staging', 'create', 'el', '--kernel', TEST_KERNEL, '--password-file', password,
      '--source', 'dnf', '--release', '9', '--type', 'standard', '--repo', baseRepo, '--repo', extraRepo, '--gpg-key', keyUrl,
      '--package', 'tiny-extra']);
    assert.equal(made.exitCode, 0, made.stderr);
    const services = await temp.services();
    const tree = join(services.paths.stagingDir, 'el');
    assert.equal(await readFile(join(tree, 'etc/tiny-release'), 'utf8'), 'Tiny Linux release 9\n', 'file: URL with $releasever expanded to 9');
    assert.equal(await readFile(join(tree, 'usr/share/tiny/extra'), 'utf8'), 'extra\n', 'package of the HTTP repository');
    assert.equal(await readFile(join(tree, 'usr/share/tiny/hello'), 'utf8'), 'hello\n', 'its dependency, from the other repository');
    assert.ok(existsSync(join(tree, 'usr/share/tiny/group')), 'the @core group of the standard set, from the comps file');
    assert.ok(existsSync(join(tree, 'usr/share/tiny/kernel-modules')));
    // tiny-release was named nowhere: only tiny-hello's Requires brought it. gpg-pubkey: the key was imported into the tree's database.
    assert.deepEqual(await installedPackages(tree),
      ['gpg-pubkey', 'kernel-modules', 'tiny-extra', 'tiny-group-only', 'tiny-hello', 'tiny-release', 'tiny-weak']);
    assert.ok(existsSync(join(tree, 'usr/share/doc/tiny-hello/README')), 'without --optimize: documentation and weak dependencies');
    // dnf's own state is the tree's; the metadata cache is dropped; no rpm database in root's home (Debian's rpm default).
    assert.ok(existsSync(join(tree, 'var/lib/dnf/history.sqlite')), 'dnf history inside the tree');
    assert.ok(existsSync(join(tree, 'var/log/dnf.log')), 'dnf log inside the tree');
    assert.ok(!existsSync(join(tree, 'var/cache/dnf')), 'no repository metadata kept in the image');
    assert.ok(!existsSync(join(tree, 'root/.rpmdb')));
    assert.match(await readFile(join(tree, 'etc/os-release'), 'utf8'), /DISKLESS_IMAGE_NAME="el"/);
    assert.deepEqual(await readdir(services.paths.workDir), [], 'no scratch folder left');
    const image = await services.images.get('el');
    assert.deepEqual(image.data.dnf_repos, [baseRepo, extraRepo]);
    assert.deepEqual(image.data.dnf_gpg_keys, [keyUrl]);
    assert.equal(image.data.dnf_gpgcheck, true);
    assert.equal(image.data.release_version, '9');
  } finally {
    await temp.cleanup();
  }
});

/** Runs a create that must fail, and checks: its code and exit code, one line, nothing registered or left behind. */
async function refused(temp: TempRoot, args: string[], code: string, exitCode: number): Promise<string> {
  const services = await temp.services();
  const before = await readFile(services.paths.installationsFile, 'utf8').catch(() => '');
  const result = await temp.cli(['--json', 'nfs', 'staging', 'create', 'bad', '--kernel', TEST_KERNEL, ...args]);
  // Under --json the error is the last line of stderr (progress lines of a build come before it).
  const last = result.stderr.trim().split('\n').at(-1) ?? '';
  const error = JSON.parse(last) as { code: string; message: string; hint: string | null };
  assert.equal(error.code, code, result.stderr);
  assert.equal(result.exitCode, exitCode, result.stderr);
  assert.ok(!`${error.message}${error.hint ?? ''}`.includes('\n'), 'one line');
  assert.equal(await readFile(services.paths.installationsFile, 'utf8').catch(() => ''), before, 'nothing registered');
  assert.ok(!existsSync(services.paths.imageDir('bad')), 'no image folder');
  assert.ok(!existsSync(join(services.paths.stagingDir, 'bad')), 'no tree');
  assert.deepEqual(await readdir(services.paths.workDir).catch(() => []), [], 'no scratch folder');
  return error.message;
}

test('bad repositories, missing packages and unsigned packages are one clear error each, and leave nothing behind', async () => {
  const { temp, password } = await rootWithPassword();
  try {
    const dnf = ['--password-file', password, '--source', 'dnf', '--release', '9'];
    const signed = ['--gpg-key', keyUrl];
    // Refused as input, before any dnf run.
    for (const url of ['ftp//mirror/el9', 'gopher://mirror/el9', 'https://user:pw@mirror.example/el9', 'file://server/el9', 'file:relative']) {
      await refused(temp, [...dnf, '--repo', url, ...signed], 'E_REPO', 2);
    }
    assert.match(await refused(temp, [...dnf, '--repo', baseRepo], 'E_REPO', 2), /signature-checked/);
    assert.match(await refused(temp, [...dnf, '--repo', pathToFileURL(world).href, ...signed], 'E_REPO', 2), /not a repository/);
    assert.match(await refused(temp, ['--password-file', password, '--source', 'mmdebstrap', '--repo', baseRepo, ...signed], 'E_REPO', 2),
      /dnf source/);
    // Looked up before the build: an extra package no repository has, an unreachable repository.
    assert.match(await refused(temp, [...dnf, '--repo', baseRepo, ...signed, '--package', 'no-such-package'], 'E_PACKAGE_NOT_FOUND', 2),
      /no-such-package/);
    const closed = 'http://127.0.0.1:9/el9/';
    assert.match(await refused(temp, [...dnf, '--repo', closed, ...signed, '--package', 'tiny-hello'], 'E_REPO_UNREACHABLE', 1),
      /dnf repoquery exited with 1: repository http:\/\/127\.0\.0\.1:9\/el9\/ could not be read/);
    // Found by the install itself (registered, then rolled back): the same codes, with dnf's command and exit code.
    assert.match(await refused(temp, [...dnf, '--repo', closed, ...signed, '--type', 'standard'], 'E_REPO_UNREACHABLE', 1),
      /^dnf install exited with 1: repository http:\/\/127\.0\.0\.1:9\/el9\/ could not be read/);
    assert.match(await refused(temp, [...dnf, '--repo', baseRepo, ...signed, '--type', 'core'], 'E_PACKAGE_NOT_FOUND', 2),
      /^dnf install exited with 1: not found in the repositories: iproute, procps-ng, openssh-server/);
    assert.match(await refused(temp, [...dnf, '--repo', unsignedRepo, '--gpg-key', keyUrl, '--type', 'standard'], 'E_PACKAGE_SIGNATURE', 1),
      /^dnf install exited with 1: package signatures could not be verified/);
  } finally {
    await temp.cleanup();
  }
});

test('--nogpgcheck installs an unsigned repository; --optimize leaves out documentation and weak dependencies', async () => {
  const { temp, password } = await rootWithPassword();
  try {
    const made = await temp.cli(['nfs', 'staging', 'create', 'lab', '--kernel', TEST_KERNEL, '--password-file', password,
      '--source', 'dnf', '--release', '9', '--type', 'standard', '--repo', unsignedRepo, '--nogpgcheck', '--optimize']);
    assert.equal(made.exitCode, 0, made.stderr);
    const services = await temp.services();
    const tree = join(services.paths.stagingDir, 'lab');
    assert.deepEqual(await installedPackages(tree), ['kernel-modules'], 'no key imported, no weak dependency');
    assert.ok(existsSync(join(tree, 'usr/share/tiny/kernel-modules')));
    assert.ok(!existsSync(join(tree, 'usr/share/doc/kernel-modules/README')), 'no documentation');
    assert.equal((await services.images.get('lab')).data.dnf_gpgcheck, false);
  } finally {
    await temp.cleanup();
  }
});

test('a livenet image built from --repo repositories is rebuilt from its recipe with the same repositories and check', async () => {
  const temp = await makeTempRoot();
  try {
    const services = await temp.services();
    await addDummyKernel(services.paths.kernelsDir);
    const made = await temp.cli(['livenet', 'create', 'el', '--kernel', TEST_KERNEL, '--password-hash', '!', '--layout', 'flat',
      '--source', 'dnf', '--release', '9', '--type', 'standard', '--repo', baseRepo, '--repo', extraRepo, '--gpg-key', keyUrl,
      '--package', 'tiny-extra']);
    assert.equal(made.exitCode, 0, made.stderr);
    const squashfs = join(services.paths.imageDir('el'), 'squashfs.img');
    const listing = async () => (await run(['unsquashfs', '-l', '-d', '', squashfs], { timeoutMs: 60_000 })).stdout;
    const first = await listing();
    const rebuilt = await temp.cli(['image', 'rebuild', 'el']);
    assert.equal(rebuilt.exitCode, 0, rebuilt.stderr);
    const second = await listing();
    for (const path of ['/etc/tiny-release', '/usr/share/tiny/extra', '/usr/share/tiny/group', `${EL_RPM_DBPATH}/rpmdb.sqlite`]) {
      assert.ok(first.split('\n').includes(path), `${path} in the first build`);
      assert.ok(second.split('\n').includes(path), `${path} in the rebuild`);
    }
    assert.equal((await services.images.get('el')).data.rebuild_date !== undefined, true);
    assert.deepEqual(await readdir(services.paths.workDir), [], 'no scratch folder left');
  } finally {
    await temp.cleanup();
  }
});
