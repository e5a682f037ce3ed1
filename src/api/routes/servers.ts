/**
 * `/servers` routes: the inventory's boot servers (list, add, remove), over
 * the same functions as `disklessset server` (core/nodes/server-operations.ts).
 */
import { addServer, listServers, removeServer } from '../../core/nodes/server-operations.js';
import { requireKnownKeys } from '../../core/raw-options.js';
import { readJsonObject } from '../http-io.js';
import type { Route } from '../router.js';
import { requireString } from './answers.js';

export const serverRoutes: Route[] = [
  {
    method: 'GET', path: '/servers',
    handle: async ({ services }) => ({ status: 200, body: { servers: await listServers(services.inventory) } }),
  },
  {
    method: 'POST', path: '/servers',
    async handle({ req, services }) {
      const body = await readJsonObject(req);
      requireKnownKeys(body, ['name', 'url'], 'the request body');
      const server = await addServer(services.inventory, requireString(body, 'name'), requireString(body, 'url'));
      return { status: 201, body: { server } };
    },
  },
  {
    method: 'DELETE', path: '/servers/{name}',
    async handle({ services, params, query }) {
      const removed = await removeServer(services.inventory, params.name as string, { force: query.get('force') === 'true' });
      return { status: 200, body: { removed: true, ...removed } };
    },
  },
];
