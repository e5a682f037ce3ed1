import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseOsOptions, type OsParseContext } from '../../../src/core/os/recipe.js';
import { OS_OPTIONS, osKeysFor } from '../../../src/core/os/recipe-table.js';
import { sha512Crypt } from '../../../src/core/os/password.js';

const HASH = sha512Crypt('pw');
const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE ops@site';
const cli: OsParseContext = { origin: 'cli' };
const api: OsParseContext = { origin: 'api' };
const base = { kernel: 'vmlinuz-6.1.0', password_hash: HASH };

/** The code and message of what `parse` throws. */
function refusal(parse: () => unknown): { code?: string; message: string; hint?: string } {
  try {
    parse();
  } catch (error) {
    return error as { code?: string; message: string; hint?: string };
  }
  assert.fail('expected a refusal');
}

test('defaults: core type, no packages, no source (the host default is picked when resolving), flags off', () => {
  const { input, rest } = parseOsOptions(base, cli);
  assert.equal(input.kernel, 'vmlinuz-6.1.0');
  assert.equal(input.type, 'core');
  assert.deepEqual(input.packages, []);
  assert.equal(input.source, undefined);
  assert.equal(input.passwordHash, HASH);
  assert.equal(input.selinux, false);
  assert.equal(input.optimize, false);
  assert.deepEqual(rest, {});
});

test('dashed and underscored keys are the same option; values are typed and checked', () => {
  const { input } = parseOsOptions({ kernel: 'vmlinuz-1', 'password-hash': HASH, source: 'tar:/srv/os.tar', release: 9.3, selinux: true,
    optimize: true, type: 'standard' }, cli);
  assert.deepEqual(input.source, { kind: 'tar', path: '/srv/os.tar' });
  assert.equal(input.release, '9.3', 'a YAML number is a release');
  assert.equal(input.type, 'standard');
  assert.equal(input.selinux, true);
  const cases: [Record<string, unknown>, string][] = [
    [{ password_hash: HASH }, 'E_KERNEL_REQUIRED'],
    [{ ...base, type: 'huge' }, 'E_OS_TYPE'],
    [{ ...base, source: 'zypper' }, 'E_SOURCE'],
    [{ ...base, source: 'dir:relative/tree' }, 'E_SOURCE'],
    [{ ...base, source: 12 }, 'E_SOURCE'],
    [{ ...base, release: '9; rm -rf /' }, 'E_RELEASE'],
    [{ ...base, release: ['9'] }, 'E_RELEASE'],
    [{ ...base, packages: ['--installroot=/'] }, 'E_PACKAGE_NOT_FOUND'],
    [{ ...base, packages: { vim: 1 } }, 'E_OPTION_TYPE'],
    [{ ...base, selinux: 'yes' }, 'E_OPTION_TYPE'],
    [{ kernel: 'vmlinuz-1' }, 'E_PASSWORD'],
    [{ ...base, password_file: '/root/pw' }, 'E_PASSWORD'],
    [{ ...base, password_hash: 'plain-text' }, 'E_PASSWORD'],
    [{ ...base, ssh_pub_key: 'not a key' }, 'E_SSH_KEY'],
    [{ ...base, ssh_pub_key: '-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn\n' }, 'E_SSH_KEY'],
    [{ ...base, ssh_pub_key: KEY, ssh_key: '/root/.ssh/id.pub' }, 'E_SSH_KEY'],
  ];
  for (const [raw, code] of cases) assert.equal(refusal(() => parseOsOptions(raw, cli)).code, code, JSON.stringify(raw));
});

test('the original attribute names and --package are aliases; list values from every spelling are joined', () => {
  const { input } = parseOsOptions({ ...base, livenet_type: 'small', release_version: '8', additional_packages: ['vim'],
    package: ['tmux', 'htop,vim'] }, cli);
  assert.equal(input.type, 'small');
  assert.equal(input.release, '8');
  assert.deepEqual(input.packages, ['vim', 'tmux', 'htop']);
  assert.equal(parseOsOptions({ ...base, os_type: 'standard' }, api).input.type, 'standard');
  assert.deepEqual(parseOsOptions({ ...base, packages: 'vim, htop vim' }, api).input.packages, ['vim', 'htop']);
  assert.equal(refusal(() => parseOsOptions({ ...base, package: ['vim'] }, api)).code, 'E_UNKNOWN_OPTION', '--package is a flag spelling only');
});

test('an unknown key is refused with the nearest valid key; module keys are handed back untouched', () => {
  const typo = refusal(() => parseOsOptions({ ...base, pakages: 'vim' }, { origin: 'cli', where: 'compute.yml' }));
  assert.equal(typo.code, 'E_UNKNOWN_OPTION');
  assert.match(typo.message, /"pakages" in compute\.yml; did you mean packages\?/);
  assert.match(refusal(() => parseOsOptions({ ...base, sizee: '5G' }, { origin: 'api', moduleKeys: ['size'] })).message, /did you mean size\?/);
  assert.equal(refusal(() => parseOsOptions({ ...base, size: '5G' }, api)).code, 'E_UNKNOWN_OPTION', 'size is not an OS option');
  const { rest } = parseOsOptions({ ...base, size: '5G', compression: 'xz' }, { origin: 'cli', moduleKeys: ['size', 'compression', 'layout'] });
  assert.deepEqual(rest, { size: '5G', compression: 'xz' });
  for (const key of ['__proto__', 'constructor']) {
    const raw = JSON.parse(`{"kernel":"vmlinuz-1","password_hash":${JSON.stringify(HASH)},${JSON.stringify(key)}:{"x":1}}`) as Record<string, unknown>;
    assert.equal(refusal(() => parseOsOptions(raw, api)).code, 'E_UNKNOWN_OPTION', key);
  }
});

test('files are named only on the command line, clear passwords only in API bodies, each refusal saying what to give', () => {
  const keyFile = refusal(() => parseOsOptions({ ...base, ssh_key: '/root/.ssh/id.pub' }, api));
  assert.equal(keyFile.code, 'E_UNKNOWN_OPTION');
  assert.match(keyFile.hint ?? '', /ssh_pub_key/);
  assert.equal(refusal(() => parseOsOptions({ kernel: 'vmlinuz-1', password_file: '/etc/shadow' }, api)).code, 'E_UNKNOWN_OPTION');
  assert.equal(refusal(() => parseOsOptions({ kernel: 'vmlinuz-1', password_stdin: true }, api)).code, 'E_UNKNOWN_OPTION');
  const clear = refusal(() => parseOsOptions({ kernel: 'vmlinuz-1', password: 'secret' }, cli));
  assert.equal(clear.code, 'E_PASSWORD');
  assert.ok(!clear.message.includes('secret') && !(clear.hint ?? '').includes('secret'), 'the password is not echoed');
  const fromApi = parseOsOptions({ kernel: 'vmlinuz-1', password: 'secret', ssh_pub_key: `${KEY}\n# comment\n` }, api).input;
  assert.match(fromApi.passwordHash ?? '', /^\$6\$/);
  assert.equal(fromApi.sshKey, KEY);
  const fromCli = parseOsOptions({ kernel: 'vmlinuz-1', password_file: '/root/pw', ssh_key: '/root/.ssh/id.pub' }, cli).input;
  assert.equal(fromCli.passwordFile, '/root/pw');
  assert.equal(fromCli.passwordHash, undefined);
  assert.equal(fromCli.sshKeyFile, '/root/.ssh/id.pub');
});

test('the option table gives every key once, and both origins know every option meant for them', () => {
  const spellings = OS_OPTIONS.flatMap((e) => [e.key, ...(e.aliases ?? []), ...(e.cliAliases ?? [])]);
  assert.equal(new Set(spellings).size, spellings.length);
  assert.ok(osKeysFor('cli').includes('password_file') && !osKeysFor('cli').includes('password'));
  assert.ok(osKeysFor('api').includes('password') && !osKeysFor('api').includes('ssh_key'));
  for (const entry of OS_OPTIONS) assert.ok(entry.help.length > 0, entry.key);
});
