/** `/boot` routes: boot assignments (list, get, put, delete by node set). */
import { bootOf, listBoot, setBoot, unsetBoot } from '../../boot/index.js';
import { readJsonObject } from '../http-io.js';
import type { Route } from '../router.js';
import { requireString } from './answers.js';

export const bootRoutes: Route[] = [
  {
    method: 'GET', path: '/boot',
    handle: async ({ services }) => ({ status: 200, body: { assignments: await listBoot(services) } }),
  },
  {
    method: 'GET', path: '/boot/{nodeset}',
    async handle({ services, params }) {
      return { status: 200, body: { nodes: await bootOf(services, params.nodeset as string) } };
    },
  },
  {
    method: 'PUT', path: '/boot/{nodeset}',
    async handle({ req, services, params }) {
      const image = requireString(await readJsonObject(req), 'image');
      return { status: 200, body: { assignment: await setBoot(services, params.nodeset as string, image) } };
    },
  },
  {
    method: 'DELETE', path: '/boot/{nodeset}',
    handle: async ({ services, params }) => ({ status: 200, body: await unsetBoot(services, params.nodeset as string) }),
  },
];
