import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { chmod, chown, copyFile, mkdir, mkdtemp, readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSource, provisionTree } from '../../../src/core/os/sources.js';
import { requireRegistryAuthFile } from '../../../src/core/os/registry-auth.js';
import { checkSourceUsable } from '../../../src/core/os/source-checks.js';
import { DisklessError } from '../../../src/errors/index.js';
import { run } from '../../../src/system/runner.js';
import { freePort, makeTinyLayout, skopeoCopy, skopeoDigest, startRegistry, TINY, userXattrsWork, type Registry } from '../../helpers/oci-registry.js';

let dir: string;
let registry: Registry;
let layout: string;
let xattrs: boolean;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'oci-pull-'));
  xattrs = await userXattrsWork(dir);
  if (!xattrs) process.stderr.write(`oci-pull: ${dir} keeps no user.* xattrs; the xattr assertions are left out\n`);
  registry = await startRegistry(join(dir, 'registry'));
  layout = await makeTinyLayout(join(dir, 'image'), xattrs);
  await skopeoCopy(`oci:${layout}:1`, `docker://${registry.host}/test/tiny:1`);
  await skopeoCopy(`oci:${layout}:1`, `oci-archive:${join(dir, 'tiny-oci.tar')}`);
  await skopeoCopy(`oci:${layout}:1`, `docker-archive:${join(dir, 'tiny-docker.tar')}`);
});

after(async () => {
  await registry?.stop();
  await rm(dir, { recursive: true, force: true });
});

/** Provisions `source` into a fresh target below a fresh scratch folder; returns both and the outcome or error. */
async function provision(source: string, pull = { tlsVerify: false }) {
  const base = await mkdtemp(join(dir, 'run-'));
  const target = join(base, 'tree');
  const scratchDir = join(base, 'scratch');
  try {
    const outcome = await provisionTree(target, { source: parseSource(source), type: 'core', scratchDir, pull });
    return { target, scratchDir, outcome, error: undefined };
  } catch (error) {
    return { target, scratchDir, outcome: undefined, error: error as DisklessError };
  }
}

async function assertTinyTree(target: string): Promise<void> {
  assert.ok(!existsSync(join(target, TINY.deleted)), 'the file deleted by the second layer is absent (whiteout applied)');
  assert.equal(await readFile(join(target, TINY.added), 'utf8'), 'layer 2\n');
  assert.ok((await stat(join(target, 'bin', 'busybox'))).mode & 0o100, 'busybox keeps its execute bit');
  const owned = await stat(join(target, TINY.owned));
  assert.equal(owned.uid, TINY.uid);
  assert.equal(owned.gid, TINY.uid);
  if (xattrs) {
    const attr = await run(['getfattr', '--only-values', '-n', 'user.origin', join(target, TINY.owned)]);
    assert.equal(attr.stdout, 'layer1');
  }
  const whiteouts = await run(['find', target, '-name', '.wh.*']);
  assert.equal(whiteouts.stdout, '', 'no whiteout marker is left in the tree');
}

test('a registry image is pulled with its layers applied and its manifest digest returned; nothing stays in the scratch folder', async () => {
  const { target, scratchDir, outcome, error } = await provision(`docker://${registry.host}/test/tiny:1`);
  assert.equal(error, undefined, error?.message);
  await assertTinyTree(target);
  assert.equal(outcome?.sourceDigest, await skopeoDigest(`docker://${registry.host}/test/tiny:1`));
  assert.deepEqual(await readdir(scratchDir), []);
});

test('oci-archive, docker-archive and oci layout sources give the same tree', async () => {
  for (const source of [`oci-archive:${join(dir, 'tiny-oci.tar')}`, `docker-archive:${join(dir, 'tiny-docker.tar')}`, `oci:${layout}:1`]) {
    const { target, scratchDir, outcome, error } = await provision(source);
    assert.equal(error, undefined, `${source}: ${error?.message}`);
    await assertTinyTree(target);
    assert.equal(outcome?.sourceDigest, await skopeoDigest(source), source);
    assert.deepEqual(await readdir(scratchDir), [], source);
  }
});

test('skopeo keeps its temporary files (an archive unpacked) inside the swept scratch folder: --tmpdir, since it ignores TMPDIR', async () => {
  // A wrapper records skopeo's arguments and runs the real one (skopeo itself removes what it unpacked, so the arguments are what a test can see).
  const bin = await mkdtemp(join(dir, 'bin-'));
  const log = join(bin, 'calls.log');
  const real = (await run(['sh', '-c', 'command -v skopeo'])).stdout.trim();
  await writeFile(join(bin, 'skopeo'), `#!/bin/sh\nprintf '%s\\n' "$*" >> '${log}'\nexec '${real}' "$@"\n`, { mode: 0o755 });
  const path = process.env.PATH;
  process.env.PATH = `${bin}:${path ?? ''}`;
  try {
    const { scratchDir, error } = await provision(`oci-archive:${join(dir, 'tiny-oci.tar')}`);
    assert.equal(error, undefined, error?.message);
    const calls = (await readFile(log, 'utf8')).trim().split('\n');
    assert.deepEqual(calls.map((call) => call.split(' ')[0]), ['inspect', 'copy'], calls.join('\n'));
    for (const call of calls) {
      const [, flag, folder] = call.split(' ');
      assert.equal(flag, '--tmpdir', call);
      assert.ok(folder?.startsWith(`${scratchDir}/.oci-pull.tmp-`), `${call}: skopeo's temporary folder is inside ${scratchDir}`);
    }
  } finally {
    process.env.PATH = path;
  }
});

test('a missing tag or repository is NotFoundError E_OCI_NOT_FOUND with skopeo\'s reason', async () => {
  for (const reference of [`${registry.host}/test/tiny:2`, `${registry.host}/test/nothing:1`]) {
    const { target, scratchDir, error } = await provision(`docker://${reference}`);
    assert.ok(error instanceof DisklessError, reference);
    assert.equal(error.code, 'E_OCI_NOT_FOUND');
    assert.equal(error.kind, 'not-found');
    assert.match(error.message, /manifest unknown/);
    assert.match(error.message, /skopeo inspect exited 1/);
    assert.deepEqual(await readdir(target), [], 'nothing was written in the target');
    assert.deepEqual(await readdir(scratchDir), []);
  }
});

test('an unreachable registry, or TLS towards a plain-HTTP one, is UnavailableError E_OCI_UNREACHABLE', async () => {
  const nobody = await provision(`docker://127.0.0.1:${await freePort()}/test/tiny:1`);
  assert.equal(nobody.error?.code, 'E_OCI_UNREACHABLE');
  assert.match(nobody.error?.message ?? '', /connection refused/);
  const tls = await provision(`docker://${registry.host}/test/tiny:1`, { tlsVerify: true });
  assert.equal(tls.error?.code, 'E_OCI_UNREACHABLE');
  assert.match(tls.error?.oneLine ?? '', /--tls-verify=false/);
  assert.deepEqual(await readdir(tls.scratchDir), []);
});

test('a truncated archive is UsageError E_OCI_ARCHIVE, whether its index or a layer is cut', async () => {
  for (const [name, bytes] of [['tiny-oci.tar', 20_000], ['tiny-docker.tar', 1_000_000], ['tiny-oci.tar', 600_000]] as const) {
    const cut = join(dir, `cut-${bytes}-${name}`);
    await copyFile(join(dir, name), cut);
    await truncate(cut, bytes);
    const source = `${name.includes('docker') ? 'docker-archive' : 'oci-archive'}:${cut}`;
    const { target, scratchDir, error } = await provision(source);
    assert.ok(error instanceof DisklessError, `${source}: ${String(error)}`);
    assert.equal(error.code, 'E_OCI_ARCHIVE', `${source}: ${error.message}`);
    assert.equal(error.kind, 'usage');
    assert.deepEqual(await readdir(target), []);
    assert.deepEqual(await readdir(scratchDir), []);
  }
});

test('the registry auth file must be root\'s own, closed to others, and an auth.json', async () => {
  const auth = join(dir, 'auth.json');
  await writeFile(auth, JSON.stringify({ auths: { [registry.host]: { auth: Buffer.from('u:secret-pw').toString('base64') } } }), { mode: 0o600 });
  await chmod(auth, 0o600);
  assert.equal(await requireRegistryAuthFile(auth), auth);
  await chmod(auth, 0o640);
  await assert.rejects(requireRegistryAuthFile(auth), (e: DisklessError) => e.code === 'E_REGISTRY_AUTH' && /chmod 600/.test(e.oneLine));
  await chmod(auth, 0o600);
  await chown(auth, 1234, 0);
  await assert.rejects(requireRegistryAuthFile(auth), (e: DisklessError) => e.code === 'E_REGISTRY_AUTH' && /chown root/.test(e.oneLine));
  await chown(auth, 0, 0);
  await writeFile(auth, '{"auths": ["u:secret-pw"]}');
  await assert.rejects(requireRegistryAuthFile(auth), (e: DisklessError) => e.code === 'E_REGISTRY_AUTH' && !/secret-pw/.test(e.oneLine));
  await writeFile(auth, 'u:secret-pw');
  await assert.rejects(requireRegistryAuthFile(auth), (e: DisklessError) => e.code === 'E_REGISTRY_AUTH' && !/secret-pw/.test(e.oneLine));
  await assert.rejects(requireRegistryAuthFile(join(dir, 'missing.json')), (e: DisklessError) => e.code === 'E_FILE_NOT_FOUND');
  await mkdir(join(dir, 'a-folder'));
  await assert.rejects(requireRegistryAuthFile(join(dir, 'a-folder')), (e: DisklessError) => e.code === 'E_NOT_REGULAR_FILE');
});

test('an auth file is handed to skopeo and an anonymous registry still answers', async () => {
  const auth = join(dir, 'auth-ok.json');
  await writeFile(auth, JSON.stringify({ auths: {} }), { mode: 0o600 });
  const { outcome, error } = await provision(`docker://${registry.host}/test/tiny:1`, { tlsVerify: false, registryAuth: auth } as never);
  assert.equal(error, undefined, error?.message);
  assert.match(outcome?.sourceDigest ?? '', /^sha256:[a-f0-9]{64}$/);
});

test('archive and layout paths are checked as input files, and confined to the allowed folders for the API', async () => {
  const scope = { ownFolders: [], treeFolders: [] };
  const archive = join(dir, 'tiny-oci.tar');
  await checkSourceUsable(parseSource(`oci-archive:${archive}`), scope);
  await checkSourceUsable(parseSource(`oci:${layout}:1`), scope);
  await assert.rejects(checkSourceUsable(parseSource(`oci-archive:${join(dir, 'nope.tar')}`), scope), (e: DisklessError) => e.code === 'E_FILE_NOT_FOUND');
  await assert.rejects(checkSourceUsable(parseSource(`docker-archive:${dir}`), scope), (e: DisklessError) => e.code === 'E_NOT_REGULAR_FILE');
  await assert.rejects(checkSourceUsable(parseSource(`oci:${dir}`), scope), (e: DisklessError) => e.code === 'E_FILE_NOT_FOUND' && /oci-layout/.test(e.oneLine));
  const elsewhere = await mkdtemp(join(dir, 'allowed-'));
  await assert.rejects(checkSourceUsable(parseSource(`oci-archive:${archive}`), { ...scope, allowedRoots: [elsewhere] }),
    (e: DisklessError) => e.code === 'E_API_PATH_NOT_ALLOWED');
  await checkSourceUsable(parseSource(`oci-archive:${archive}`), { ...scope, allowedRoots: [dir] });
  // A registry source names no file of the server.
  await checkSourceUsable(parseSource(`docker://${registry.host}/test/tiny:1`), { ...scope, allowedRoots: [elsewhere] });
});
