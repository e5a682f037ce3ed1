/**
 * A minimal static file server on 127.0.0.1 for the kit's own proof. The
 * project's real server (src/serve/) replaces it in the product tests.
 * GET and HEAD only, files streamed, no directory listings, no path escape.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { join, normalize, resolve, sep } from 'node:path';
import type { AddressInfo } from 'node:net';

/** A running static server. */
export interface StaticServer {
  port: number;
  /** Paths requested so far with their status, in order (to check what a node fetched). */
  requests: { path: string; status: number; bytes: number }[];
  close(): Promise<void>;
}

/**
 * Serves `root` on 127.0.0.1:`port` (0 = any free port). Port 80 lets boot
 * files use plain `http://${next-server}/...` URLs as the original tool writes them.
 */
export async function startStaticServer(root: string, port = 0): Promise<StaticServer> {
  const base = resolve(root);
  const requests: StaticServer['requests'] = [];
  const server: Server = createServer((req, res) => {
    const answer = (status: number, text: string) => {
      requests.push({ path: req.url ?? '', status, bytes: 0 });
      res.writeHead(status, { 'content-type': 'text/plain' }).end(`${text}\n`);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return answer(405, 'method not allowed');
    let path: string;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    } catch {
      return answer(400, 'bad path');
    }
    const file = normalize(join(base, path));
    if (file !== base && !file.startsWith(base + sep)) return answer(403, 'outside the served tree');
    stat(file).then((info) => {
      if (!info.isFile()) return answer(404, 'not found');
      requests.push({ path, status: 200, bytes: info.size });
      res.writeHead(200, { 'content-length': String(info.size), 'content-type': 'application/octet-stream' });
      if (req.method === 'HEAD') return res.end();
      const stream = createReadStream(file);
      stream.on('error', () => res.destroy());
      stream.pipe(res);
    }, () => answer(404, 'not found'));
  });
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolveListen());
  });
  return {
    port: (server.address() as AddressInfo).port,
    requests,
    close: () => new Promise<void>((resolveClose) => {
      server.closeAllConnections();
      server.close(() => resolveClose());
    }),
  };
}
