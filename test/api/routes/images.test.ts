import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startApi, waitForJob, type ApiFixture } from '../../helpers/api-harness.js';
import { sha512Crypt, verifySha512Crypt } from '../../../src/core/os/password.js';
import { addDummyKernel, makeBusyboxTree, TEST_KERNEL } from '../../helpers/livenet-fixtures.js';
import { unpackSquashfs } from '../../helpers/livenet-inspect.js';

/** Posts a creation (livenet unless `type` says) and asserts 422 with `code`, no job and nothing registered or created. */
async function assertRefused(api: ApiFixture, options: Record<string, unknown>, code: string, type = 'livenet'): Promise<void> {
  const answer = await api.call('POST', '/api/v1/images', { body: { type, name: 'img', options } });
  assert.equal(answer.status, 422, `${JSON.stringify(options)}: ${JSON.stringify(answer.body)}`);
  assert.equal(answer.body.error.code, code, JSON.stringify(options));
  assert.deepEqual((await api.call('GET', '/api/v1/jobs')).body.jobs, []);
  assert.ok(!existsSync(api.services.paths.imageDir('img')));
  assert.deepEqual(await api.services.installations.read(), {});
}

/** OS option refusals every OS image class gives, over the API, with the same codes (`base` has kernel and a usable source). */
function osRefusals(base: Record<string, unknown>, hash: string, paths: ApiFixture['services']['paths'], outside: string): [Record<string, unknown>, string][] {
  return [
    [{ ...base, password_hash: '' }, 'E_PASSWORD'],
    [{ ...base, password_hash: `${hash}\nevil::0:0:99999:7:::` }, 'E_PASSWORD'],
    [{ ...base, password_hash: 'plain-text' }, 'E_PASSWORD'],
    [{ ...base, password: '' }, 'E_PASSWORD'],
    [{ ...base, password: 'a', password_hash: hash }, 'E_PASSWORD'],
    [{ ...base }, 'E_PASSWORD'],
    [{ ...base, password_hash: hash, sizee: '5G' }, 'E_UNKNOWN_OPTION'],
    [{ ...base, password_hash: hash, ssh_key_file: '/root/.ssh/id_rsa.pub' }, 'E_UNKNOWN_OPTION'],
    // The API reads no file of the server: a key file or a password file is refused, the key text is checked.
    [{ ...base, password_hash: hash, ssh_key: '/root/.ssh/id_rsa.pub' }, 'E_UNKNOWN_OPTION'],
    [{ ...base, password_file: '/etc/shadow' }, 'E_UNKNOWN_OPTION'],
    [{ ...base, password_hash: hash, ssh_pub_key: 'not a key' }, 'E_SSH_KEY'],
    [{ ...base, password_hash: hash, source: 12 }, 'E_SOURCE'],
    [{ ...base, password_hash: hash, selinux: 'yes' }, 'E_OPTION_TYPE'],
    [{ ...base, password_hash: hash, type: 'huge' }, 'E_OS_TYPE'],
    [{ ...base, password_hash: hash, release: 'a b' }, 'E_RELEASE'],
    [{ ...base, password_hash: hash, kernel: undefined }, 'E_KERNEL_REQUIRED'],
    [{ ...base, password_hash: hash, source: 'dnf', packages: ['--installroot=/'] }, 'E_PACKAGE_NOT_FOUND'],
    [{ ...base, password_hash: hash, packages: ['vim'] }, 'E_SOURCE'],
    [{ ...base, password_hash: hash, source: `dir:${outside}` }, 'E_API_PATH_NOT_ALLOWED'],
    [{ ...base, password_hash: hash, source: 'dir:/' }, 'E_API_PATH_NOT_ALLOWED'],
    [{ ...base, password_hash: hash, source: 'dir:/proc' }, 'E_API_PATH_NOT_ALLOWED'],
    [{ ...base, password_hash: hash, source: 'tar:/etc/passwd' }, 'E_API_PATH_NOT_ALLOWED'],
    [{ ...base, password_hash: hash, source: `dir:${paths.workDir}` }, 'E_SOURCE'],
    [{ ...base, password_hash: hash, source: `dir:${paths.nfsImagesDir}` }, 'E_SOURCE'],
  ];
}

test('POST /images is as strict as the CLI: passwords, option keys and types, packages and sources', async () => {
  const api = await startApi();
  try {
    const { paths } = api.services;
    await addDummyKernel(paths.kernelsDir);
    const tree = await makeBusyboxTree(paths.workDir);
    const outside = await makeBusyboxTree(api.root.root);
    const hash = sha512Crypt('pw');
    const base = { kernel: TEST_KERNEL, size: '200M', source: `dir:${tree}` };
    const cases: [Record<string, unknown>, string][] = [
      ...osRefusals(base, hash, paths, outside),
      [{ ...base, password_hash: hash, size: '5T' }, 'E_SIZE'],
      [{ ...base, password_hash: hash, compression: 'bzip2' }, 'E_COMPRESSION'],
    ];
    for (const [options, code] of cases) await assertRefused(api, options, code);
  } finally {
    await api.close();
  }
});

test('NFS staging and golden creations through the API get the same checks', async () => {
  const api = await startApi();
  try {
    const { paths } = api.services;
    await addDummyKernel(paths.kernelsDir);
    const hash = sha512Crypt('pw');
    const base = { kernel: TEST_KERNEL, source: `dir:${await makeBusyboxTree(paths.workDir)}` };
    const cases: [Record<string, unknown>, string][] = [
      ...osRefusals(base, hash, paths, await makeBusyboxTree(api.root.root)),
      // Livenet's image-format options are not OS options.
      [{ ...base, password_hash: hash, size: '5G' }, 'E_UNKNOWN_OPTION'],
    ];
    for (const [options, code] of cases) await assertRefused(api, options, code, 'NfsStagingImage');
    await assertRefused(api, { from: '../../../../etc' }, 'E_IMAGE_NAME', 'NfsGoldenImage');
    await assertRefused(api, { from: 'st', extra: 1 }, 'E_UNKNOWN_OPTION', 'NfsGoldenImage');
  } finally {
    await api.close();
  }
});

test('a clear password given to the API is hashed into /etc/shadow and never stored in clear', async () => {
  const api = await startApi();
  try {
    const { paths } = api.services;
    await addDummyKernel(paths.kernelsDir);
    const tree = await makeBusyboxTree(paths.workDir);
    const clear = 'api-Clear-Pa55';
    const started = await api.call('POST', '/api/v1/images', {
      body: { type: 'livenet', name: 'apiimg', options: { kernel: TEST_KERNEL, layout: 'flat', source: `dir:${tree}`, password: clear } },
    });
    assert.equal(started.status, 202, JSON.stringify(started.body));
    const job = await waitForJob(api, started.body.job.id);
    assert.equal(job.status, 'succeeded', JSON.stringify(job.error));
    const data = await readFile(join(paths.imageDir('apiimg'), 'image_data.yml'), 'utf8');
    assert.ok(!data.includes(clear), 'image_data.yml holds no clear password');
    const unpacked = await unpackSquashfs(join(paths.imageDir('apiimg'), 'squashfs.img'), 'flat');
    try {
      const shadow = await unpacked.cat('/etc/shadow');
      assert.ok(!shadow.includes(clear));
      const rootHash = /^root:([^:]*):/m.exec(shadow)?.[1] ?? '';
      assert.ok(verifySha512Crypt(clear, rootHash), `root's hash verifies: ${rootHash}`);
      assert.equal(shadow.trim().split('\n').length, 2, 'no extra shadow line');
    } finally {
      await unpacked.cleanup();
    }
    for (const file of await readdir(paths.imageDir('apiimg'))) {
      if (file.endsWith('.img')) continue;
      assert.ok(!(await readFile(join(paths.imageDir('apiimg'), file), 'utf8')).includes(clear), file);
    }
  } finally {
    await api.close();
  }
});

test('dracut arguments that would pack host files into a served initramfs are refused with 422', async () => {
  const api = await startApi();
  try {
    await addDummyKernel(api.services.paths.kernelsDir);
    for (const dracutArgs of [['--include', '/etc/shadow', '/x'], ['-I', '/etc/shadow'], ['--install=/etc/shadow'], ['--conf', '/tmp/c'],
      [join(api.services.paths.httpRoot, 'x.img')]]) {
      const answer = await api.call('POST', `/api/v1/kernels/${TEST_KERNEL}/initramfs`, { body: { dracutArgs } });
      assert.equal(answer.status, 422, JSON.stringify(dracutArgs));
      assert.equal(answer.body.error.code, 'E_DRACUT_ARG');
    }
    assert.deepEqual((await api.call('GET', '/api/v1/jobs')).body.jobs, []);
  } finally {
    await api.close();
  }
});

test('POST /images/{name}/rebuild goes through the manager: 422 E_NOT_REBUILDABLE for a class without a recipe, 404 for no image, admin only', async () => {
  const api = await startApi();
  try {
    const created = await api.call('POST', '/api/v1/images', { body: { type: 'demo', name: 'norecipe', options: { message: 'hi' } } });
    await waitForJob(api, created.body.job.id);
    const refused = await api.call('POST', '/api/v1/images/norecipe/rebuild');
    assert.equal(refused.status, 422);
    assert.equal(refused.body.error.code, 'E_NOT_REBUILDABLE');
    assert.equal((await api.call('POST', '/api/v1/images/nope/rebuild')).status, 404);
    assert.equal((await api.call('POST', '/api/v1/images/norecipe/rebuild', { token: api.reader })).status, 403);
  } finally {
    await api.close();
  }
});

test('DELETE /images/{name}?force=true names the nodes it unassigned; without force, 409 E_IMAGE_BOOTED', async () => {
  const api = await startApi();
  try {
    const created = await api.call('POST', '/api/v1/images', { body: { type: 'demo', name: 'booted', options: { message: 'hi' } } });
    await waitForJob(api, created.body.job.id);
    assert.equal((await api.call('PUT', '/api/v1/boot/c%5B1-4%5D', { body: { image: 'booted' } })).status, 200);
    const refused = await api.call('DELETE', '/api/v1/images/booted');
    assert.equal(refused.status, 409);
    assert.equal(refused.body.error.code, 'E_IMAGE_BOOTED');
    const removed = await api.call('DELETE', '/api/v1/images/booted?force=true');
    assert.equal(removed.status, 200);
    assert.deepEqual(removed.body, { name: 'booted', removed: true, unassignedNodes: 'c[1-4]', unassignedNodeCount: 4 });
  } finally {
    await api.close();
  }
});

test('GET /images/{name}/history lists the versions; POST /images/{name}/rollback is explicit and idempotent; a rebuild of the same tree is unchanged', async () => {
  const api = await startApi();
  try {
    const { paths } = api.services;
    await addDummyKernel(paths.kernelsDir);
    const tree = await makeBusyboxTree(paths.workDir);
    const started = await api.call('POST', '/api/v1/images', {
      body: { type: 'livenet', name: 'verimg', options: { kernel: TEST_KERNEL, layout: 'flat', source: `dir:${tree}`, password: 'pw-Versions-1' } },
    });
    assert.equal((await waitForJob(api, started.body.job.id)).status, 'succeeded');
    const history = await api.call('GET', '/api/v1/images/verimg/history', { token: api.reader });
    assert.equal(history.status, 200);
    const [first] = history.body.versions as { id: string; current: boolean }[];
    assert.ok(first?.current);
    const rebuilt = await waitForJob(api, (await api.call('POST', '/api/v1/images/verimg/rebuild')).body.job.id);
    assert.equal(rebuilt.status, 'succeeded', JSON.stringify(rebuilt.error));
    assert.deepEqual([rebuilt.result.version, rebuilt.result.unchanged], [first.id, true]);
    const same = await api.call('POST', '/api/v1/images/verimg/rollback', { body: { to: first.id } });
    assert.deepEqual(same.body, { name: 'verimg', version: first.id, from: first.id, changed: false });
    assert.equal((await api.call('POST', '/api/v1/images/verimg/rollback', { body: { to: 'previous' } })).status, 404, 'no earlier version');
    const bad = await api.call('POST', '/api/v1/images/verimg/rollback', { body: { to: 'latest' } });
    assert.equal(bad.status, 422);
    assert.equal(bad.body.error.code, 'E_ROLLBACK_TARGET');
    assert.equal((await api.call('POST', '/api/v1/images/verimg/rollback', { body: { to: 'previous' }, token: api.reader })).status, 403);
  } finally {
    await api.close();
  }
});
