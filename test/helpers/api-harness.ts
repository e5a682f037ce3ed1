/**
 * A started API for tests: a temporary root, the boot server on a free port
 * with the REST API mounted, and one token of each role.
 */
import { request as httpRequest } from 'node:http';
import { createRestApi, type RestApi } from '../../src/api/api-handler.js';
import { TokenStore } from '../../src/api/token-store.js';
import type { Services } from '../../src/services/services.js';
import { createBootServer, type BootServer } from '../../src/serve/static-server.js';
import { makeTempRoot, type TempRoot } from './temp-root.js';

/** Parsed JSON of answers (shape checked by the assertions). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export interface ApiFixture {
  root: TempRoot;
  services: Services;
  api: RestApi;
  server: BootServer;
  /** Base URL without trailing slash, e.g. http://127.0.0.1:34567 */
  base: string;
  admin: string;
  reader: string;
  /** JSON request; `token` null sends no Authorization header. */
  call(method: string, path: string, options?: { token?: string | null; body?: unknown; raw?: string }): Promise<{ status: number; body: Json; headers: Headers }>;
  close(): Promise<void>;
}

/** What {@link startApi} may change. */
export interface ApiOptions {
  /**
   * Receives each access-log line of the server. Lines of requests still in
   * flight are written when they end: close `server` before reading them all.
   */
  accessLog?: (line: string) => void;
  /** Receives each warning line of the API (see RestApiOptions.onWarning). */
  onWarning?: (line: string) => void;
}

/** Starts the API on a new temporary root; `close` stops it and deletes the root (the server may already be closed). */
export async function startApi(options: ApiOptions = {}): Promise<ApiFixture> {
  const root = await makeTempRoot();
  const services = await root.services();
  await services.images.ensureLayout();
  const api = createRestApi(services, { onWarning: options.onWarning });
  const server = await createBootServer({ root: services.paths.httpRoot, port: 0, apiHandler: api.handler, accessLog: options.accessLog });
  const tokens = new TokenStore(services.paths);
  const admin = (await tokens.create('admin', 'test admin')).token;
  const reader = (await tokens.create('read', 'test reader')).token;
  const base = server.url.replace(/\/$/, '');
  return {
    root, services, api, server, base, admin, reader,
    async call(method, path, options = {}) {
      const token = options.token === undefined ? admin : options.token;
      const headers: Record<string, string> = {};
      if (token !== null) headers.Authorization = `Bearer ${token}`;
      let body: string | undefined = options.raw;
      if (options.body !== undefined) {
        body = JSON.stringify(options.body);
        headers['Content-Type'] = 'application/json';
      }
      const response = await fetch(`${base}${path}`, { method, headers, body });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
    },
    async close() {
      // A test that read the whole access log has closed the server already.
      await server.close().catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ERR_SERVER_NOT_RUNNING') throw error;
      });
      await api.close();
      await root.cleanup();
    },
  };
}

/** One server-sent event. */
export interface SseEvent {
  id?: string;
  event: string;
  data: Json;
}

/**
 * Reads the event stream at `path`. `stopAfter` returning true makes the
 * client hang up at once (as a client that goes away would).
 */
export function readEvents(fixture: ApiFixture, path: string, stopAfter?: (event: SseEvent) => boolean): Promise<{ events: SseEvent[]; status: number; contentType?: string }> {
  return new Promise((resolve, reject) => {
    const events: SseEvent[] = [];
    const req = httpRequest(`${fixture.base}${path}`, { headers: { Authorization: `Bearer ${fixture.reader}` } }, (res) => {
      let buffer = '';
      const finish = () => resolve({ events, status: res.statusCode ?? 0, contentType: res.headers['content-type'] });
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event: SseEvent = { event: 'message', data: undefined };
          let hasData = false;
          for (const line of block.split('\n')) {
            const [field, ...rest] = line.split(': ');
            const value = rest.join(': ');
            if (field === 'id') event.id = value;
            else if (field === 'event') event.event = value;
            else if (field === 'data') {
              event.data = JSON.parse(value);
              hasData = true;
            }
          }
          if (!hasData) continue;
          events.push(event);
          if (stopAfter?.(event)) {
            req.destroy();
            finish();
            return;
          }
        }
      });
      res.on('end', finish);
      res.on('error', () => finish());
    });
    req.on('error', (error) => (events.length > 0 ? undefined : reject(error)));
    req.end();
  });
}

/** Polls a job until it has finished. */
export async function waitForJob(fixture: ApiFixture, id: string): Promise<Json> {
  for (;;) {
    const { body } = await fixture.call('GET', `/api/v1/jobs/${id}`, { token: fixture.reader });
    if (body.job.status !== 'running') return body.job;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
