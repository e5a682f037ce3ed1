/**
 * Shared helpers of the serve tests: a temporary boot tree next to a
 * "secret" folder outside it, a started server, and HTTP clients (node:http
 * for normal requests, a raw socket for request targets a client library
 * would normalise).
 */
import { request as httpRequest, type Agent, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBootServer, type BootServer, type BootServerOptions } from '../../src/serve/static-server.js';

/** A temporary tree: `base/www` is the document root, `base/secret` is outside it. */
export interface BootTree {
  base: string;
  root: string;
  /** `root/preboot_execution_environment/diskless`. */
  diskless: string;
  /** A deterministic 1 MiB "squashfs" image, also on disk at images/demo/squashfs.img. */
  image: Buffer;
  cleanup(): Promise<void>;
}

/** Bytes 0..255 repeating, shifted by `seed`, so any offset can be checked. */
export function patterned(size: number, seed = 0): Buffer {
  const data = Buffer.alloc(size);
  for (let i = 0; i < size; i += 1) data[i] = (i + seed) % 251;
  return data;
}

/** Builds a boot tree resembling a real one, plus links pointing in and out. */
export async function makeBootTree(): Promise<BootTree> {
  const base = await mkdtemp(join(tmpdir(), 'disklessset-serve-'));
  const root = join(base, 'www');
  const diskless = join(root, 'preboot_execution_environment', 'diskless');
  const image = patterned(1024 * 1024);
  await mkdir(join(diskless, 'images', 'demo'), { recursive: true });
  await mkdir(join(diskless, 'kernels'), { recursive: true });
  await mkdir(join(base, 'secret'), { recursive: true });
  await writeFile(join(base, 'secret', 'passwd'), 'root:x:0:0\n');
  await writeFile(join(diskless, 'images', 'demo', 'squashfs.img'), image);
  await writeFile(join(diskless, 'images', 'demo', 'boot.ipxe'), '#!ipxe\nkernel vmlinuz\nboot\n');
  await writeFile(join(diskless, 'images', 'demo', 'image_data.yml'), 'name: demo\n');
  await writeFile(join(diskless, 'kernels', 'vmlinuz-6.1.0-18-amd64'), patterned(4096, 7));
  await writeFile(join(diskless, 'kernels', 'initramfs-6.1.0-18-amd64.img'), patterned(4096, 9));
  await writeFile(join(root, 'index.html'), '<html></html>\n');
  await writeFile(join(root, 'status.json'), '{"ok":true}\n');
  // Links: one to a file inside the tree (served), two leaving it (refused).
  await symlink(join(diskless, 'images', 'demo', 'boot.ipxe'), join(diskless, 'current.ipxe'));
  await symlink(join(base, 'secret', 'passwd'), join(diskless, 'escape-file'));
  await symlink(join(base, 'secret'), join(diskless, 'escape-dir'));
  return { base, root, diskless, image, cleanup: () => rm(base, { recursive: true, force: true }) };
}

/** Files the tool (or an editor) leaves in the tree that must never reach a client. */
export const HIDDEN_FILES = [
  'images/demo/image_data.yml',
  'images/demo/SPEC.YAML',
  'images/demo/.squashfs.img.new',
  'images/demo.lock/owner.json',
  'nodes/.n1.ipxe.tmp-123-abcd',
  'nodes/.node01.tmp-cluster.example.com.ipxe.tmp-4242-0a1b2c3d',
  'overlays/.node01.tmp-cluster.example.com.img.stale-4242-0a1b2c3d',
  'overlays/.g1.tmp-4242-0a1b2c3d/n1.img',
  'nodes/n2.ipxe.tmp',
  'nodes/n5.ipxe.tmp-4242-0a1b2c3d',
  'nodes/n3.ipxe~',
  'nodes/.n4.ipxe.swp',
  'images/demo/boot.ipxe.bak',
  'boot-assignments.json',
  '.htpasswd',
];

/**
 * Node scripts and overlays of valid node names with `.tmp` inside (an FQDN
 * such as `node01.tmp-cluster.example.com`): served, although they look a bit
 * like temporary files.
 */
export const TMP_LOOKING_FILES = [
  'nodes/node01.tmp-cluster.example.com.ipxe',
  'overlays/node01.tmp-cluster.example.com.img',
  'nodes/a.tmp.ipxe',
  'overlays/a.tmp.img',
  'nodes/x.tmp-y.example.com.ipxe',
  'nodes/x.tmp-1-ab.example.com.ipxe',
];

/** Writes every {@link TMP_LOOKING_FILES} file (world-readable, content `#!ipxe`) under `diskless`. */
export async function writeTmpLookingFiles(diskless: string): Promise<void> {
  for (const file of TMP_LOOKING_FILES) {
    await mkdir(join(diskless, file, '..'), { recursive: true });
    await writeFile(join(diskless, file), '#!ipxe\n', { mode: 0o644 });
  }
}

/** Writes every hidden file (world-readable, so only the name refuses it) under `diskless`. */
export async function writeHiddenFiles(diskless: string): Promise<void> {
  for (const file of HIDDEN_FILES) {
    await mkdir(join(diskless, file, '..'), { recursive: true });
    await writeFile(join(diskless, file), 'password_hash: $6$secret\n', { mode: 0o644 });
  }
}

/** Starts a server on 127.0.0.1, a free port, serving `root`. */
export function startServer(root: string, extra: Partial<BootServerOptions> = {}): Promise<BootServer> {
  return createBootServer({ root, listen: '127.0.0.1', port: 0, ...extra });
}

/** A complete HTTP answer. */
export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  reusedSocket: boolean;
}

/** Sends one request with node:http and reads the whole answer. */
export function fetchAnswer(
  baseUrl: string,
  path: string,
  options: { method?: string; headers?: Record<string, string>; agent?: Agent; localAddress?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(new URL(path, baseUrl), {
      method: options.method ?? 'GET', headers: options.headers, agent: options.agent,
      // A source address of the loopback network (127.0.0.2): how a test asks as "another machine".
      ...(options.localAddress ? { localAddress: options.localAddress } : {}),
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({
        status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), reusedSocket: req.reusedSocket,
      }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * Sends `target` verbatim in the request line over a fresh socket and
 * returns the status code, so encodings reach the server untouched.
 */
export function rawStatus(baseUrl: string, target: string | Buffer): Promise<number> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      socket.write(Buffer.concat([
        Buffer.from('GET '), Buffer.isBuffer(target) ? target : Buffer.from(target, 'latin1'),
        Buffer.from(` HTTP/1.1\r\nHost: ${hostname}\r\nConnection: close\r\n\r\n`),
      ]));
    });
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('end', () => {
      const statusLine = /^HTTP\/1\.1 (\d{3})/.exec(Buffer.concat(chunks).toString('latin1'));
      resolve(statusLine ? Number(statusLine[1]) : 0);
    });
  });
}

/** Resolves once `condition()` holds; gives up (failing the test) after about ten seconds. */
export async function waitUntil(condition: () => boolean): Promise<void> {
  for (let attempt = 0; !condition(); attempt += 1) {
    if (attempt > 1000) throw new Error('condition never became true');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
