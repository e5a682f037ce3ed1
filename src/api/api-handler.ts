/**
 * The REST API as a request handler for the boot server's `/api/` mount:
 * version prefix, authentication, routing, role check, answers and errors.
 * Thin layer: every route calls the same library as the CLI.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DisklessError } from '../errors/index.js';
import type { Services } from '../services/services.js';
import { authenticate, authorize, refuseTokenInUrl } from './auth.js';
import { HttpError, sendError, sendJson } from './http-io.js';
import { JobManager } from './jobs.js';
import { Router, type Route } from './router.js';
import { bootRoutes } from './routes/boot.js';
import { imageRoutes } from './routes/images.js';
import { jobRoutes } from './routes/jobs.js';
import { kernelRoutes } from './routes/kernels.js';
import { moduleRoutes } from './routes/modules.js';
import { nodeStatusRoutes } from './routes/node-status.js';
import { nodeRoutes } from './routes/nodes.js';
import { openapiRoutes } from './routes/openapi-route.js';
import { profileRoutes } from './routes/profiles.js';
import { serverRoutes } from './routes/servers.js';
import { TokenStore } from './token-store.js';

/** Prefix of every endpoint of this version. */
export const API_PREFIX = '/api/v1';

/** Every route of this API version (each must be in the OpenAPI document: test/api/openapi.test.ts). */
export const API_ROUTES: readonly Route[] = [
  ...imageRoutes, ...kernelRoutes, ...bootRoutes, ...nodeStatusRoutes, ...nodeRoutes, ...profileRoutes, ...serverRoutes, ...moduleRoutes, ...jobRoutes, ...openapiRoutes,
];

/** A mounted API. */
export interface RestApi {
  /** Give this to `createBootServer({ apiHandler })`. */
  handler(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
  jobs: JobManager;
  /** Stops the running jobs (they clean up) and waits for them. */
  close(): Promise<void>;
}

/** Options of {@link createRestApi}. */
export interface RestApiOptions {
  /** Called with a short line for each failure that is not the caller's fault (500s). */
  onInternalError?: (error: unknown) => void;
  /** Called with each warning of the inventory repair (e.g. nodes naming an image that does not exist). */
  onWarning?: (line: string) => void;
}

/**
 * What every CLI command does first for the node scripts, done before each
 * API request: when nodes.yml no longer matches what was published (a hand
 * edit, a killed command), publish it again, so that reads answer the same
 * state a command would see. Cheap when nothing changed (the hash check of
 * NodeInventory.needsRecovery, no lock). A failure is left to the route: one
 * reading nodes answers the same error (a damaged nodes.yml), the others go on.
 */
async function repairInventory(services: Services, onWarning?: (line: string) => void): Promise<void> {
  try {
    if (!(await services.inventory.needsRecovery())) return;
    const { warnings } = await services.inventory.recover();
    for (const warning of warnings) onWarning?.(`warning: ${warning}`);
  } catch {
    // Reported by the routes that read the inventory.
  }
}

/**
 * Builds the API over `services`. Its handler answers every refusal itself
 * (as `{"error": {...}}`): E_API_NO_ROUTE (404) for a path outside
 * {@link API_PREFIX}, the codes of `refuseTokenInUrl`, `authenticate`,
 * `authorize` and the router, and the library codes of each route.
 */
export function createRestApi(services: Services, options: RestApiOptions = {}): RestApi {
  const tokens = new TokenStore(services.paths);
  const jobs = new JobManager();
  const router = new Router(API_ROUTES);

  async function answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://api.invalid');
    const path = url.pathname;
    refuseTokenInUrl(req.url ?? '/', url.searchParams);
    // Authentication comes first: without a token, not even the list of endpoints is revealed.
    const token = await authenticate(req, tokens);
    if (path !== API_PREFIX && !path.startsWith(`${API_PREFIX}/`)) {
      throw new HttpError(404, 'E_API_NO_ROUTE', `no API endpoint ${path}`, `this server speaks ${API_PREFIX}`);
    }
    const method = req.method === 'HEAD' ? 'GET' : (req.method ?? 'GET');
    const { route, params } = router.match(method, path.slice(API_PREFIX.length));
    authorize(token, req.method ?? 'GET');
    await repairInventory(services, options.onWarning);
    const result = await route.handle({ req, res, params, query: url.searchParams, services, jobs, token });
    if (result) sendJson(res, result.status, result.body, result.headers);
  }

  return {
    jobs,
    async handler(req, res) {
      try {
        await answer(req, res);
      } catch (error) {
        const expected = error instanceof HttpError || error instanceof DisklessError;
        if (!expected) {
          try {
            options.onInternalError?.(error);
          } catch {
            // A failing reporter must not stop the answer.
          }
        }
        sendError(res, error);
      }
      return true;
    },
    close: () => jobs.stopAll(),
  };
}
