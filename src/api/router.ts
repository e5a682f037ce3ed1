/**
 * A small router for the REST API: routes are a method and a path pattern
 * with `{name}` parameters; a handler returns the answer (status and body)
 * or `undefined` when it wrote the response itself (event streams).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Services } from '../services/services.js';
import { HttpError } from './http-io.js';
import type { JobManager } from './jobs.js';
import type { TokenInfo } from './token-store.js';

/** What a route handler gets. */
export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  /** Decoded `{name}` parameters of the path. */
  params: Record<string, string>;
  query: URLSearchParams;
  services: Services;
  jobs: JobManager;
  token: TokenInfo;
}

/** An answer: JSON body with a status. */
export interface RouteAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** One route. Paths are relative to `/api/v1`, e.g. `/images/{name}`. */
export interface Route {
  method: HttpMethod;
  path: string;
  handle(context: RouteContext): Promise<RouteAnswer | undefined>;
}

function splitPath(path: string): string[] {
  return path.split('/').filter((part) => part !== '');
}

function matchPattern(pattern: string[], parts: string[]): Record<string, string> | undefined {
  if (pattern.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i += 1) {
    const expected = pattern[i] as string;
    const actual = parts[i] as string;
    if (expected.startsWith('{') && expected.endsWith('}')) {
      let value: string;
      try {
        value = decodeURIComponent(actual);
      } catch {
        throw new HttpError(400, 'E_API_BAD_PATH', 'the request path is not valid percent-encoding', 'encode the path with encodeURIComponent');
      }
      params[expected.slice(1, -1)] = value;
    } else if (expected !== actual) {
      return undefined;
    }
  }
  return params;
}

/** Routes of one API version. */
export class Router {
  private readonly compiled: { route: Route; pattern: string[] }[];

  constructor(routes: readonly Route[]) {
    this.compiled = routes.map((route) => ({ route, pattern: splitPath(route.path) }));
  }

  /**
   * The route for `method` and `path` (relative to the version prefix).
   * @throws HttpError E_API_NO_ROUTE (404) when no route has this path,
   * E_API_METHOD (405) when only other methods do, E_API_BAD_PATH (400)
   * for broken percent-encoding.
   */
  match(method: string, path: string): { route: Route; params: Record<string, string> } {
    const parts = splitPath(path);
    const allowed: string[] = [];
    for (const { route, pattern } of this.compiled) {
      const params = matchPattern(pattern, parts);
      if (!params) continue;
      if (route.method === method) return { route, params };
      allowed.push(route.method);
    }
    if (allowed.length === 0) throw new HttpError(404, 'E_API_NO_ROUTE', `no API endpoint ${path}`, 'see /api/v1/openapi.json');
    throw new HttpError(405, 'E_API_METHOD', `${method} is not allowed on ${path}`, `use ${allowed.join(', ')}`,
      { Allow: allowed.join(', ') });
  }
}
