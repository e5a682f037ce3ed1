import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readPasswordInput, requirePasswordHash, sha512Crypt, verifySha512Crypt } from '../../../src/core/os/password.js';
import { run } from '../../../src/system/runner.js';

const cases: [string, string, number?][] = [
  ['hello world', 'abcdefgh12345678'],
  ['', 'shortsalt'],
  ['pässwörd with ünïcode and a long tail to pass the 64-byte block boundary of sha512!!', 'Q9.zz/ab'],
  ['x', 'saltsalt', 12000],
];

test('sha512Crypt gives the same hash as the system crypt (mkpasswd)', async () => {
  for (const [password, salt, rounds] of cases) {
    const system = await run(['mkpasswd', '-m', 'sha-512', `--salt=${salt}`, ...(rounds ? ['-R', String(rounds)] : []), '--stdin'],
      { input: `${password}\n` });
    const ours = sha512Crypt(password, rounds ? `rounds=${rounds}$${salt}` : salt);
    assert.equal(ours, system.stdout.trim(), `password ${JSON.stringify(password)}`);
  }
});

test('a hash with a random salt verifies against its password only', () => {
  const hash = sha512Crypt('s3cret');
  assert.match(hash, /^\$6\$[./0-9A-Za-z]{16}\$[./0-9A-Za-z]{86}$/);
  assert.ok(verifySha512Crypt('s3cret', hash));
  assert.ok(!verifySha512Crypt('s3cret!', hash));
  assert.notEqual(sha512Crypt('s3cret'), hash, 'salts differ between calls');
});

test('readPasswordInput hashes file and stdin input, accepts a hash, refuses bad input', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'pw-test-'));
  try {
    const file = join(dir, 'pw');
    await writeFile(file, 'from-file\nignored second line\n');
    assert.ok(verifySha512Crypt('from-file', await readPasswordInput({ file })));
    assert.ok(verifySha512Crypt('from-stdin', await readPasswordInput({ stdin: 'from-stdin\n' })));
    const hash = sha512Crypt('given');
    assert.equal(await readPasswordInput({ hash }), hash);
    await assert.rejects(readPasswordInput({ hash: 'plain-text' }), { code: 'E_PASSWORD', kind: 'usage' });
    await assert.rejects(readPasswordInput({ file: join(dir, 'missing') }), { code: 'E_FILE_NOT_FOUND' });
    await assert.rejects(readPasswordInput({ stdin: '\n' }), { code: 'E_PASSWORD' });
    await assert.rejects(readPasswordInput({ file, hash }), { code: 'E_PASSWORD' });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('requirePasswordHash accepts the crypt(3) hashes the system makes and refuses what would break /etc/shadow', async () => {
  for (const method of ['md5crypt', 'sha-256', 'sha-512', 'yescrypt', 'gost-yescrypt', 'bcrypt']) {
    const hash = (await run(['mkpasswd', '-m', method, '--stdin'], { input: 'pw\n' })).stdout.trim();
    assert.equal(requirePasswordHash(hash), hash, method);
  }
  assert.equal(requirePasswordHash('!'), '!', 'a locked root password');
  const good = sha512Crypt('pw');
  const bad: unknown[] = ['', ' ', 'plain-text', `${good}\nevil::0:0:::::`, `${good}:`, `${good}\r`, `x${good}`, good.slice(0, -1),
    '$6$salt$', '$1$abc$def', '!!\n', 42, null, ['$6$']];
  for (const value of bad) assert.throws(() => requirePasswordHash(value), { code: 'E_PASSWORD', kind: 'usage' }, JSON.stringify(value));
});
