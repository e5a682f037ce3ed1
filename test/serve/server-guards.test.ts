import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { fetchAnswer, makeBootTree, rawStatus, startServer, waitUntil } from '../helpers/serve-fixture.js';

/** Writes `bytes` on a fresh connection and resolves with everything the server sent before closing. */
function exchangeRaw(baseUrl: string, bytes: string): Promise<string> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(bytes));
    let text = '';
    socket.on('data', (chunk: Buffer) => { text += chunk.toString('latin1'); });
    socket.on('error', reject);
    socket.on('close', () => resolve(text));
  });
}

test('requests the parser refuses get a short 400 or 431, are logged, and the server keeps serving', async () => {
  const tree = await makeBootTree();
  const lines: string[] = [];
  const boot = await startServer(tree.root, { accessLog: (line) => lines.push(line) });
  try {
    assert.match(await exchangeRaw(boot.url, 'BREW / HTTP/1.1\r\nHost: x\r\n\r\n'), /^HTTP\/1\.1 400 /);
    assert.match(await exchangeRaw(boot.url, `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`), /^HTTP\/1\.1 431 /);
    assert.match(await exchangeRaw(boot.url, 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n\r\n'), /^HTTP\/1\.1 (400|405) /);
    await waitUntil(() => lines.filter((line) => / - - 4\d\d /.test(line)).length >= 2);
    assert.equal((await fetchAnswer(boot.url, '/preboot_execution_environment/diskless/images/demo/boot.ipxe')).status, 200);
  } finally {
    await boot.close();
    await tree.cleanup();
  }
});

test('a failing access log or handler never stops the server; handler failures reach the error log', async () => {
  const tree = await makeBootTree();
  const errors: string[] = [];
  const boot = await startServer(tree.root, {
    accessLog: () => { throw new Error('disk full'); },
    errorLog: (line) => errors.push(line),
    apiHandler: () => { throw null; },
  });
  try {
    assert.equal((await fetchAnswer(boot.url, '/api/v1/anything')).status, 500);
    assert.equal(errors.length, 1);
    assert.match(errors[0] as string, /^internal error on GET \/api\/v1\/anything: null$/);
    for (let i = 0; i < 3; i += 1) {
      assert.equal(await rawStatus(boot.url, '/preboot_execution_environment/diskless/images/demo/boot.ipxe'), 200);
    }
  } finally {
    await boot.close();
    await tree.cleanup();
  }
});

test('a client that shuts down its side right after its request still gets the whole answer, as from nginx', async () => {
  const tree = await makeBootTree();
  const boot = await startServer(tree.root);
  try {
    const { hostname, port } = new URL(boot.url);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), hostname, () => {
        socket.end('GET /preboot_execution_environment/diskless/images/demo/boot.ipxe HTTP/1.1\r\nHost: x\r\n\r\n');
      });
      let text = '';
      socket.on('data', (chunk: Buffer) => { text += chunk.toString('latin1'); });
      socket.on('error', reject);
      socket.on('close', () => resolve(text));
    });
    assert.match(answer, /^HTTP\/1\.1 200 /);
    assert.match(answer, /#!ipxe/);
  } finally {
    await boot.close();
    await tree.cleanup();
  }
});
