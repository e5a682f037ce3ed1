import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempRoot } from '../helpers/temp-root.js';

test('api token create prints the token once; the file is 0600 and holds only its hash', async () => {
  const root = await makeTempRoot();
  try {
    const created = await root.cli(['api', 'token', 'create', '--role', 'admin', '--name', 'ci']);
    assert.equal(created.exitCode, 0, created.stderr);
    // stdout is the token alone, as `TOKEN=$(disklessset api token create ...)` captures it; the explanation is on stderr.
    const token = created.stdout.replace(/\n$/, '');
    assert.match(token, /^dlss_[A-Za-z0-9_-]{43}$/);
    assert.match(created.stderr, /role admin: store it now, it cannot be shown again/);
    assert.ok(!created.stderr.includes(token), 'the token is printed once, on stdout');

    const file = join(root.root, 'etc/diskless/api-tokens.json');
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    const content = await readFile(file, 'utf8');
    assert.ok(!content.includes(token), 'the clear token is not stored');
    assert.ok(!content.includes(token.slice(5, 20)), 'no part of it either');

    const listed = await root.cli(['--json', 'api', 'token', 'list']);
    const tokens = JSON.parse(listed.stdout) as { id: string; name: string; role: string }[];
    assert.equal(tokens.length, 1);
    assert.deepEqual(Object.keys(tokens[0] as object).sort(), ['created', 'id', 'name', 'role']);
    assert.equal(tokens[0]?.name, 'ci');
    assert.ok(!listed.stdout.includes(token));
    const hashOnDisk = (JSON.parse(content) as { tokens: { sha256: string }[] }).tokens[0]?.sha256 as string;
    assert.ok(!(await root.cli(['api', 'token', 'list'])).stdout.includes(hashOnDisk), 'list never shows hashes');

    const badRole = await root.cli(['api', 'token', 'create', '--role', 'root']);
    assert.equal(badRole.exitCode, 2);
    assert.match(badRole.stderr, /unknown role "root"/);

    const revoked = await root.cli(['api', 'token', 'revoke', tokens[0]?.id as string]);
    assert.equal(revoked.exitCode, 0, revoked.stderr);
    assert.deepEqual(JSON.parse((await root.cli(['--json', 'api', 'token', 'list'])).stdout), []);
    assert.equal((await root.cli(['api', 'token', 'revoke', 'deadbeef0000'])).exitCode, 1, 'a well-formed unknown id is not found');
    const malformed = await root.cli(['api', 'token', 'revoke', 'deadbeef']);
    assert.equal(malformed.exitCode, 2, 'a malformed id is bad input');
    assert.match(malformed.stderr, /invalid API token id "deadbeef"/);
  } finally {
    await root.cleanup();
  }
});
