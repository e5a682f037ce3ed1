/**
 * The embedded boot HTTP server: serves the tree holding
 * `preboot_execution_environment` to booting nodes (GET/HEAD, ranges,
 * conditional requests, no listing, nothing outside the root), and hands
 * everything under `/api/` to an optional handler so the REST API can be
 * mounted on the same port. Built on node:http only.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { realpath, stat } from 'node:fs/promises';
import { ConflictError, NotFoundError, UsageError } from '../errors/index.js';
import { formatAccessLine, loggedTarget } from './access-log.js';
import { resolveRequestPath } from './request-path.js';
import { sendStatus, type Exchange } from './responses.js';
import { DEFAULT_READ_CHUNK_BYTES, sendFile } from './send-file.js';
import { ChunkCache, DEFAULT_CHUNK_CACHE_BYTES } from './chunk-cache.js';
import { MAX_HEADER_BYTES, guardServer, safeLog } from './server-guards.js';
import { observeServed, type ServedObserver } from './served-event.js';
import type { AccessPolicy } from './access-policy.js';

/**
 * Handler of requests whose path is `/api` or starts with `/api/` (any
 * method). Resolve `true` when it answered; `false` makes the server answer
 * 404. A thrown error becomes a 500 if nothing was sent yet.
 */
export type ApiHandler = (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;

/** Options of {@link createBootServer}. */
export interface BootServerOptions {
  /** HTTP document root: the folder that contains `preboot_execution_environment`. */
  root: string;
  /** Address to bind (default `127.0.0.1`: nothing is exposed until asked). */
  listen?: string;
  /** TCP port (default 80, where iPXE scripts point; 0 picks a free port). */
  port?: number;
  /** Receives one formatted line per finished request (query strings are redacted). */
  accessLog?: (line: string) => void;
  /** Receives one line per unexpected failure (a request answered 500, a server socket error). */
  errorLog?: (line: string) => void;
  /** Mount point of the REST API: requests under `/api/`. */
  apiHandler?: ApiHandler;
  /** Size of file reads while streaming (default {@link DEFAULT_READ_CHUNK_BYTES}). */
  readChunkBytes?: number;
  /** Most bytes of file chunks shared between downloads (default {@link DEFAULT_CHUNK_CACHE_BYTES}; 0 = none). */
  chunkCacheBytes?: number;
  /** Told about each finished GET/HEAD of the file tree (what each node fetched is recorded through it). */
  onServed?: ServedObserver;
  /** Asked before a file is sent: `deny` answers 403 (see access-policy.ts). */
  access?: AccessPolicy;
}

/** A listening boot server. */
export interface BootServer {
  server: Server;
  /** Base URL, e.g. `http://127.0.0.1:8080/` (brackets around IPv6 addresses). */
  url: string;
  /** Stops listening and closes every connection, including downloads in progress. */
  close(): Promise<void>;
}

/** Default bind address. */
export const DEFAULT_LISTEN = '127.0.0.1';
/** Default port: iPXE scripts use `http://${next-server}/...` without a port. */
export const DEFAULT_PORT = 80;

function isApiPath(rawPath: string): boolean {
  return rawPath === '/api' || rawPath.startsWith('/api/');
}

async function dispatch(
  req: IncomingMessage, res: ServerResponse, realRoot: string, options: BootServerOptions, exchange: Exchange,
  chunks: ChunkCache,
): Promise<void> {
  const target = req.url ?? '';
  const queryAt = target.search(/[?#]/);
  const rawPath = queryAt >= 0 ? target.slice(0, queryAt) : target;
  if (isApiPath(rawPath)) {
    const handled = options.apiHandler ? await options.apiHandler(req, res) : false;
    if (!handled) sendStatus(req, res, 404, exchange);
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    sendStatus(req, res, 405, exchange, { Allow: 'GET, HEAD' });
    return;
  }
  if (options.onServed) {
    // The query only identifies the asking node: the file is resolved from the path alone.
    const query = queryAt >= 0 && target[queryAt] === '?' ? target.slice(queryAt + 1).split('#', 1)[0] ?? '' : '';
    observeServed(req, res, rawPath, query, exchange, options.onServed,
      (error) => safeLog(options.errorLog, `served-file observer: ${(error as Error)?.message ?? String(error)}`));
  }
  const resolved = await resolveRequestPath(realRoot, rawPath);
  if (!resolved.ok) {
    sendStatus(req, res, resolved.status, exchange);
    return;
  }
  if (options.access && !(await allowed(options, resolved.path, req.socket?.remoteAddress ?? '-'))) {
    sendStatus(req, res, 403, exchange);
    return;
  }
  await sendFile(req, res, resolved.path, exchange, chunks);
}

/** The access hook's answer; a failing hook denies (a file it guards must not be sent by accident). */
async function allowed(options: BootServerOptions, path: string, remoteAddress: string): Promise<boolean> {
  try {
    return (await options.access?.(path, remoteAddress)) !== 'deny';
  } catch (error) {
    safeLog(options.errorLog, `access policy: ${(error as Error)?.message ?? String(error)}`);
    return false;
  }
}

function trackForLog(req: IncomingMessage, res: ServerResponse, exchange: Exchange, log: (line: string) => void): void {
  const started = process.hrtime.bigint();
  // Read now: once the connection is gone, req.socket is null.
  const client = req.socket?.remoteAddress ?? '-';
  res.once('close', () => {
    safeLog(log, formatAccessLine({
      client,
      method: req.method ?? '-',
      path: loggedTarget(req.url ?? '-'),
      status: res.statusCode,
      bytes: exchange.bytes,
      durationMs: Number(process.hrtime.bigint() - started) / 1e6,
      aborted: !res.writableFinished,
    }));
  });
}

/** The request listener: every failure ends as an answer or a closed connection, never as an uncaught error. */
function handleRequest(
  req: IncomingMessage, res: ServerResponse, realRoot: string, options: BootServerOptions, chunks: ChunkCache,
): void {
  const exchange: Exchange = { bytes: 0 };
  // Without listeners these would be thrown as uncaught errors; the connection is just dropped.
  req.on('error', () => res.destroy());
  res.on('error', () => res.destroy());
  try {
    if (options.accessLog) trackForLog(req, res, exchange, options.accessLog);
  } catch (error) {
    safeLog(options.errorLog, `access log: ${(error as Error)?.message ?? String(error)}`);
  }
  dispatch(req, res, realRoot, options, exchange, chunks).catch((error: unknown) => {
    safeLog(options.errorLog, `internal error on ${req.method ?? '-'} ${loggedTarget(req.url ?? '-')}: ${(error as Error)?.message ?? String(error)}`);
    try {
      if (res.headersSent) res.destroy();
      else sendStatus(req, res, 500, exchange);
    } catch {
      res.destroy();
    }
  });
}

async function checkRoot(root: string): Promise<string> {
  let realRoot: string;
  try {
    realRoot = await realpath(root);
  } catch {
    throw new NotFoundError('E_SERVE_ROOT_NOT_FOUND', `document root ${root} does not exist`,
      'create it or pass the folder that contains preboot_execution_environment');
  }
  if (!(await stat(realRoot)).isDirectory()) {
    throw new UsageError('E_SERVE_ROOT_NOT_DIRECTORY', `document root ${root} is not a directory`);
  }
  return realRoot;
}

/**
 * Starts the boot server and resolves once it listens.
 * @throws NotFoundError E_SERVE_ROOT_NOT_FOUND when the document root does not exist.
 * @throws UsageError E_SERVE_ROOT_NOT_DIRECTORY when it is not a folder.
 * @throws ConflictError E_SERVE_PORT_IN_USE when another program listens on the port.
 * Other listen errors (EACCES, EADDRNOTAVAIL) are rethrown as they come from node:net.
 */
export async function createBootServer(options: BootServerOptions): Promise<BootServer> {
  // The root is resolved once: every served file's realpath must lie below it.
  const realRoot = await checkRoot(options.root);
  const chunks = new ChunkCache(options.readChunkBytes ?? DEFAULT_READ_CHUNK_BYTES, options.chunkCacheBytes ?? DEFAULT_CHUNK_CACHE_BYTES);
  const server = createServer({ maxHeaderSize: MAX_HEADER_BYTES }, (req, res) => handleRequest(req, res, realRoot, options, chunks));
  const host = options.listen ?? DEFAULT_LISTEN;
  const port = options.port ?? DEFAULT_PORT;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      // The usual slip (a second serve, or nginx on port 80): one line saying what to do, not a stack.
      reject(error.code === 'EADDRINUSE' ? new ConflictError('E_SERVE_PORT_IN_USE', `port ${port} on ${host} is already in use by another program`,
        'stop that server (another `disklessset serve`, nginx, Apache), or choose another port with --port') : error);
    });
    server.listen(port, host, () => {
      server.removeAllListeners('error');
      resolve();
    });
  });
  guardServer(server, { accessLog: options.accessLog, errorLog: options.errorLog });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    server,
    url: `http://${shownHost}:${address.port}/`,
    close: () => new Promise<void>((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()));
      server.closeAllConnections();
    }),
  };
}

export { DEFAULT_READ_CHUNK_BYTES };
