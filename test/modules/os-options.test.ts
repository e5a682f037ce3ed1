import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CommandContext, CommandSpec, OptionSpec } from '../../src/modules/contract.js';
import { livenetCommands } from '../../src/modules/livenet/commands.js';
import { stagingCreate } from '../../src/modules/nfs/image-commands.js';
import { osOptionSpecs } from '../../src/modules/os-options.js';
import { prepareCreation } from '../../src/core/image/creation.js';
import { sha512Crypt } from '../../src/core/os/password.js';
import type { Services } from '../../src/services/services.js';
import { startApi, type ApiFixture } from '../helpers/api-harness.js';
import { addDummyKernel, makeBusyboxTree, TEST_KERNEL } from '../helpers/livenet-fixtures.js';

const livenetCreate = livenetCommands.find((c) => c.path.join(' ') === 'create') as CommandSpec;
const LIVENET_ONLY = new Set(['size', 'compression', 'layout']);

function describe(options: readonly OptionSpec[] | undefined): string[] {
  return (options ?? []).map((o) => `${o.name}|${o.type}|${o.repeatable === true}|${o.description}`).sort();
}

test('livenet create and nfs staging create take the same OS options, with the same names, from the one table', () => {
  const livenet = describe(livenetCreate.options?.filter((o) => !LIVENET_ONLY.has(o.name)));
  const staging = describe(stagingCreate.options);
  assert.deepEqual(livenet, staging);
  for (const name of ['kernel', 'type', 'source', 'release', 'packages', 'package', 'password-file', 'password-stdin', 'password-hash',
    'ssh-key', 'ssh-pub-key', 'selinux', 'optimize', 'from-file']) {
    assert.ok(staging.some((o) => o.startsWith(`${name}|`)), `--${name}`);
  }
  assert.ok(!staging.some((o) => o.startsWith('password|')), 'no clear password on a command line');
  assert.deepEqual(describe(osOptionSpecs()), describe(stagingCreate.options?.filter((o) => o.name !== 'from-file')));
});

/** Runs a create command in-process as the CLI would, with options as the CLI parser hands them; returns the error code thrown. */
async function cliCode(services: Services, command: CommandSpec, name: string, options: Record<string, string | boolean | string[]>): Promise<string> {
  const context: CommandContext = {
    services, yes: false, json: false,
    io: {
      interactive: false, confirm: async () => false, readStdin: async () => '', progress: () => {}, signal: new AbortController().signal,
      write: () => {},
    },
  };
  try {
    await command.run(context, { args: { NAME: name }, options, rest: [] });
  } catch (error) {
    return String((error as { code?: string }).code);
  }
  return 'accepted';
}

/** The API body equivalent to CLI options (dashes to underscores). */
function body(options: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(options).map(([k, v]) => [k.replace(/-/g, '_'), v]));
}

async function apiCode(api: ApiFixture, type: string, name: string, options: Record<string, unknown>): Promise<string> {
  const answer = await api.call('POST', '/api/v1/images', { body: { type, name, options } });
  return answer.status === 202 ? 'accepted' : String(answer.body?.error?.code);
}

test('the CLI of livenet and NFS staging and the API refuse the same OS input with the same codes, before anything is registered', async () => {
  const api = await startApi();
  try {
    const { services } = api;
    const { paths } = services;
    await addDummyKernel(paths.kernelsDir);
    const tree = await makeBusyboxTree(paths.workDir);
    const hash = sha512Crypt('pw');
    const base = { kernel: TEST_KERNEL, source: `dir:${tree}`, 'password-hash': hash };
    await writeFile(join(paths.imagesDir, 'taken'), 'a file in the way is a taken name too\n');
    const cases: [string, Record<string, string | boolean | string[]>, string][] = [
      ['img', { ...base, type: 'huge' }, 'E_OS_TYPE'],
      ['img', { ...base, kernel: 'vmlinuz-9.9.9' }, 'E_KERNEL_NOT_FOUND'],
      ['img', { ...base, source: 'zypper' }, 'E_SOURCE'],
      ['img', { ...base, source: `dir:${paths.workDir}` }, 'E_SOURCE'],
      ['img', { ...base, release: 'a b' }, 'E_RELEASE'],
      ['img', { ...base, packages: ['vim'] }, 'E_SOURCE'],
      ['img', { ...base, source: 'dnf', packages: ['-y'] }, 'E_PACKAGE_NOT_FOUND'],
      ['img', { ...base, 'password-hash': 'plain' }, 'E_PASSWORD'],
      ['img', { kernel: TEST_KERNEL, source: `dir:${tree}` }, 'E_PASSWORD'],
      ['img', { ...base, 'ssh-pub-key': 'not a key' }, 'E_SSH_KEY'],
      ['bad/name', base, 'E_IMAGE_NAME'],
      ['taken', base, 'E_IMAGE_EXISTS'],
    ];
    for (const [name, options, code] of cases) {
      const flat = { ...options, layout: 'flat' };
      assert.equal(await cliCode(services, livenetCreate, name, flat), code, `livenet CLI ${name} ${JSON.stringify(options)}`);
      assert.equal(await cliCode(services, stagingCreate, name, options), code, `staging CLI ${name} ${JSON.stringify(options)}`);
      assert.equal(await apiCode(api, 'livenet', name, body(flat)), code, `livenet API ${name} ${JSON.stringify(options)}`);
      assert.equal(await apiCode(api, 'NfsStagingImage', name, body(options)), code, `staging API ${name} ${JSON.stringify(options)}`);
    }
    assert.deepEqual(await services.installations.read(), {}, 'nothing registered');
    assert.ok(!existsSync(paths.imageDir('img')));
    assert.deepEqual((await api.call('GET', '/api/v1/jobs')).body.jobs, [], 'no job started');
  } finally {
    await api.close();
  }
});

test('a module option is refused by the API through the class\'s own check: demo\'s crash, not the API, knows it would kill the server', async () => {
  const api = await startApi();
  try {
    assert.equal(await apiCode(api, 'demo', 'x', { message: 'hi', crash: true }), 'E_API_CRASH_REFUSED');
    assert.equal(await apiCode(api, 'demo', 'x', { message: 'hi', crassh: true }), 'E_UNKNOWN_OPTION');
    assert.ok(!existsSync(api.services.paths.imageDir('x')));
  } finally {
    await api.close();
  }
});

test('the same OS options give the same recipe to livenet and NFS staging, from the CLI or the API', async () => {
  const api = await startApi();
  try {
    const { services } = api;
    await addDummyKernel(services.paths.kernelsDir);
    const tree = await makeBusyboxTree(services.paths.workDir);
    const hash = sha512Crypt('pw');
    const os = { kernel: TEST_KERNEL, source: `dir:${tree}`, type: 'small', release_version: '12', password_hash: hash,
      ssh_pub_key: 'ssh-ed25519 AAAAsame ops@site', selinux: true, optimize: true };
    const recipes = [];
    for (const origin of ['cli', 'api'] as const) {
      const livenet = await prepareCreation<Record<string, unknown>>(services.images, 'LivenetImage', 'img', { ...os, layout: 'flat' }, { origin });
      const staging = await prepareCreation<Record<string, unknown>>(services.images, 'NfsStagingImage', 'img', os, { origin });
      const { sizeMiB, compression, layout, ...livenetOs } = livenet;
      assert.deepEqual({ sizeMiB, compression, layout }, { sizeMiB: 0, compression: 'zstd', layout: 'flat' });
      assert.deepEqual(livenetOs, staging);
      recipes.push(staging);
    }
    assert.deepEqual(recipes[0], recipes[1]);
    assert.deepEqual(recipes[0], {
      kernel: TEST_KERNEL, type: 'small', source: { kind: 'dir', path: tree }, release: '12', packages: [], passwordHash: hash,
      sshKey: 'ssh-ed25519 AAAAsame ops@site', selinux: true, optimize: true,
    });
  } finally {
    await api.close();
  }
});
