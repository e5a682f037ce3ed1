/**
 * Hostile HTTP requests to `disklessset serve --api`: traversal, secrets,
 * oversized bodies, huge node sets, tokens in query strings, and requests
 * that are not valid HTTP at all. Each is sent raw over a socket, so that
 * nothing in a client library tidies it up first.
 */
import { connect } from 'node:net';

/** What a case expects of the answer: the status (0 when the server may just close the connection). */
export type StatusCheck = (status: number) => boolean;

/** One hostile request. */
export interface HttpCase {
  what: string;
  /** Raw request bytes. */
  raw: string | Buffer;
  expect: StatusCheck;
}

const refused: StatusCheck = (s) => s >= 400 && s < 500;
const refusedOrClosed: StatusCheck = (s) => s === 0 || (s >= 400 && s < 500);
// 400 (a dot segment refused outright), 403 or 404: anything but the file.
const notServed: StatusCheck = (s) => s >= 400 && s < 500;

/** What the requests name: tokens of both roles, an existing image and kernel, a valid password hash. */
export interface HttpCorpusContext {
  admin: string;
  read: string;
  image: string;
  kernel: string;
  hash: string;
}

function get(path: string, token?: string): string {
  const auth = token ? `Authorization: Bearer ${token}\r\n` : '';
  return `GET ${path} HTTP/1.1\r\nHost: x\r\n${auth}Connection: close\r\n\r\n`;
}

function send(method: string, path: string, body: string, token: string): string {
  return `${method} ${path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\n`
    + `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
}

function chunked(path: string, size: number, token: string): Buffer {
  const head = `POST ${path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\n`
    + 'Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n';
  const parts: Buffer[] = [Buffer.from(head)];
  for (let sent = 0; sent < size; sent += 4096) parts.push(Buffer.from('1000\r\n'), Buffer.alloc(4096), Buffer.from('\r\n'));
  parts.push(Buffer.from('0\r\n\r\n'));
  return Buffer.concat(parts);
}

const IMAGES = '/preboot_execution_environment/diskless/images';

/** A livenet creation body that is valid but for `fault` (the package-manager source needs no path). */
function livenetBody(c: HttpCorpusContext, fault: Record<string, unknown>): string {
  const options = { kernel: c.kernel, type: 'core', size: '1G', source: 'mmdebstrap', password_hash: c.hash, ...fault };
  return JSON.stringify({ type: 'livenet', name: 'apibad', options });
}

/** Every hostile request. */
export function httpCorpus(c: HttpCorpusContext): HttpCase[] {
  const admin = (method: string, path: string, body: string) => send(method, path, body, c.admin);
  const traversals = ['/../../../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', `${IMAGES}/..%2f..%2f..%2f..%2fetc%2fpasswd`,
    '/..%5c..%5cetc/passwd', `${IMAGES}/${c.image}/%00`, '/%ff%fe', `${IMAGES}/${c.image}/../../../../../../victim/precious.txt`];
  const secrets = [`${IMAGES}/${c.image}/image_data.yml`, `${IMAGES}/${c.image}/./image_data.yml`, `${IMAGES}/${c.image}//image_data.yml`,
    `${IMAGES}/${c.image}/image_data.yml?x=1`, `${IMAGES}/${c.image}/IMAGE_DATA.YML`, '/installations.yml', `${IMAGES}/installations.yml`];
  return [
    ...traversals.map((path) => ({ what: `traversal ${path}`, raw: get(path), expect: refused })),
    ...secrets.map((path) => ({ what: `secret ${path}`, raw: get(path), expect: notServed })),
    { what: 'token in query string', raw: get(`/api/v1/images?token=${c.admin}`), expect: refused },
    { what: 'access_token in query string', raw: get(`/api/v1/images?access_token=${c.admin}`), expect: refused },
    { what: 'no token', raw: get('/api/v1/images'), expect: (s) => s === 401 },
    { what: 'read token writes', raw: send('DELETE', `/api/v1/images/${c.image}`, '', c.read), expect: (s) => s === 403 },
    { what: 'huge node set (read token)', raw: get('/api/v1/boot/n[1-999999999]', c.read), expect: refused },
    { what: 'huge node set to assign', raw: admin('PUT', '/api/v1/boot/n[1-20000000]', JSON.stringify({ image: c.image })), expect: refused },
    { what: 'lenient node set to assign', raw: admin('PUT', '/api/v1/boot/fortoy[2-3,36-40-44]', JSON.stringify({ image: c.image })), expect: refused },
    { what: 'huge node set to unassign', raw: admin('DELETE', '/api/v1/boot/n[1-999999999]', ''), expect: refused },
    { what: 'chunked body over the limit', raw: chunked('/api/v1/images', 70_000, c.admin), expect: (s) => s === 413 || s === 0 },
    { what: 'chunked body of 2 MiB', raw: chunked('/api/v1/images', 2 * 1024 * 1024, c.admin), expect: (s) => s === 413 || s === 0 },
    { what: 'declared body over the limit', raw: `POST /api/v1/images HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${c.admin}\r\nContent-Length: 99999999\r\n\r\n{`, expect: refusedOrClosed },
    { what: 'invalid JSON', raw: admin('POST', '/api/v1/images', '{"name": '), expect: refused },
    { what: 'JSON bomb depth', raw: admin('POST', '/api/v1/images', `${'['.repeat(5000)}${']'.repeat(5000)}`), expect: refused },
    { what: 'traversal image name in PUT kernel', raw: admin('PUT', '/api/v1/images/..%2F..%2F..%2F..%2Fvictim/kernel', JSON.stringify({ kernel: c.kernel })), expect: refused },
    { what: 'traversal kernel name', raw: admin('PUT', `/api/v1/images/${c.image}/kernel`, '{"kernel":"../../../victim"}'), expect: refused },
    { what: 'traversal image name in DELETE', raw: admin('DELETE', '/api/v1/images/..%2F..%2Fvictim', ''), expect: refused },
    ...[{ password_hash: '' }, { password_hash: 'x\nroot2::0:0:::' }, { source: 'dir:/' }, { source: 'dir:/etc' }, { source: 'tar:/etc/passwd' },
      { packages: ['vim;reboot'] }, { size: '1e99G' }, { kernel: '../../victim' }]
      .map((fault) => ({ what: `livenet creation with ${JSON.stringify(fault)}`, raw: admin('POST', '/api/v1/images', livenetBody(c, fault)), expect: refused })),
    { what: 'image name with traversal', raw: admin('POST', '/api/v1/images', JSON.stringify({ type: 'demo', name: '../victim', options: { message: 'x' } })), expect: refused },
    { what: 'dracut --include of a host file', raw: admin('POST', `/api/v1/kernels/${c.kernel}/initramfs`, JSON.stringify({ dracutArgs: ['--include', '/etc/shadow', '/x'] })), expect: refused },
    { what: 'bad request line', raw: 'GARBAGE\r\n\r\n', expect: refusedOrClosed },
    { what: 'NUL in request line', raw: 'GET /\0 HTTP/1.1\r\nHost: x\r\n\r\n', expect: refusedOrClosed },
    { what: 'header of 64 KiB', raw: `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(65536)}\r\n\r\n`, expect: refusedOrClosed },
    { what: 'smuggling: both lengths', raw: 'POST /api/v1/images HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /x HTTP/1.1\r\n\r\n', expect: refusedOrClosed },
    { what: 'broken chunk size', raw: `POST /api/v1/images HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${c.admin}\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n`, expect: refusedOrClosed },
    { what: 'unsupported method', raw: 'BREW / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', expect: refusedOrClosed },
    { what: 'range past the end', raw: `GET ${IMAGES}/${c.image}/boot.ipxe HTTP/1.1\r\nHost: x\r\nRange: bytes=999999-\r\nConnection: close\r\n\r\n`, expect: (s) => s === 416 },
    { what: 'ten thousand ranges', raw: `GET ${IMAGES}/${c.image}/boot.ipxe HTTP/1.1\r\nHost: x\r\nRange: bytes=${Array.from({ length: 10000 }, (_, i) => `${i}-${i}`).join(',')}\r\nConnection: close\r\n\r\n`, expect: (s) => s === 200 || s === 206 || s === 416 || s === 431 || s === 0 },
  ];
}

/** Sends raw bytes and returns the status code of the answer (0 if the server closed without one). */
export function sendRaw(port: number, raw: string | Buffer, timeoutMs = 10_000): Promise<number> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    const finish = () => {
      socket.destroy();
      const match = /^HTTP\/1\.[01] (\d{3})/.exec(answer);
      resolve(match ? Number(match[1]) : 0);
    };
    socket.setTimeout(timeoutMs, finish);
    socket.on('data', (chunk) => {
      answer += chunk.toString('latin1');
      if (answer.length > 64) finish();
    });
    socket.on('error', finish);
    socket.on('close', finish);
    socket.write(raw, () => socket.end());
  });
}
