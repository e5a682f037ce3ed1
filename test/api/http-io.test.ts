import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startApi } from '../helpers/api-harness.js';

/** POSTs `size` zero bytes with chunked transfer encoding, in 1000-byte chunks. */
function postChunked(base: string, path: string, token: string, size: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Transfer-Encoding': 'chunked', 'Content-Type': 'application/json' },
    }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => { body += chunk.toString(); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    for (let sent = 0; sent < size; sent += 1000) req.write(Buffer.alloc(Math.min(1000, size - sent)));
    req.end();
  });
}

test('a chunked body over 64 KiB gets 413 and the server keeps serving files and the API', async () => {
  const api = await startApi();
  try {
    await writeFile(join(api.services.paths.httpRoot, 'probe.ipxe'), '#!ipxe\n');
    for (let round = 0; round < 3; round += 1) {
      const answer = await postChunked(api.base, '/api/v1/images', api.admin, 70_000);
      assert.equal(answer.status, 413);
      assert.equal(JSON.parse(answer.body).error.code, 'E_API_BODY_TOO_LARGE');
    }
    const file = await fetch(`${api.base}/probe.ipxe`);
    assert.equal(file.status, 200);
    assert.match(await file.text(), /^#!ipxe/);
    assert.equal((await api.call('GET', '/api/v1/images', { token: api.reader })).status, 200);
  } finally {
    await api.close();
  }
});

test('a huge node set in a read call is refused at once with 422 E_NODESET_TOO_LARGE', async () => {
  const api = await startApi();
  try {
    const huge = await api.call('GET', '/api/v1/boot/n%5B1-999999999%5D', { token: api.reader });
    assert.equal(huge.status, 422);
    assert.equal(huge.body.error.code, 'E_NODESET_TOO_LARGE');
    const lenient = await api.call('PUT', `/api/v1/boot/${encodeURIComponent('fortoy[2-3,36-40-44]')}`, { body: { image: 'x' } });
    assert.equal(lenient.status, 422);
    assert.equal(lenient.body.error.code, 'E_NODESET_SYNTAX');
    const negative = await api.call('DELETE', `/api/v1/boot/${encodeURIComponent('n[-1-2]')}`);
    assert.equal(negative.status, 422);
    assert.equal((await api.call('GET', '/api/v1/boot/n%5B1-3%5D', { token: api.reader })).status, 200);
  } finally {
    await api.close();
  }
});

test('a token in the query string is refused, and no query string reaches the access log', async () => {
  const lines: string[] = [];
  const api = await startApi({ accessLog: (line) => lines.push(line) });
  try {
    const token = api.admin;
    for (const query of [`token=${token}`, `access_token=${token}`, `x=${token}`]) {
      const answer = await fetch(`${api.base}/api/v1/images?${query}`);
      assert.equal(answer.status, 400, query);
      assert.equal(((await answer.json()) as { error: { code: string } }).error.code, 'E_API_TOKEN_IN_URL');
    }
    // Even with a valid header, a token in the URL is refused (it is already exposed).
    const both = await fetch(`${api.base}/api/v1/images?token=${token}`, { headers: { Authorization: `Bearer ${token}` } });
    assert.equal(both.status, 400);
    await fetch(`${api.base}/preboot_execution_environment/diskless/boot.ipxe?secret=hunter2`);
    await api.server.close();
    assert.ok(lines.length >= 5);
    for (const line of lines) {
      assert.ok(!line.includes(token) && !line.includes('hunter2'), line);
      assert.doesNotMatch(line, /\?(?!REDACTED)/, line);
    }
    assert.ok(lines.some((line) => line.includes('/api/v1/images?REDACTED 400')));
  } finally {
    await api.close();
  }
});
