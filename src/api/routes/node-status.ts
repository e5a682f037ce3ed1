/** `/nodes/{nodeset}/status`: what each node booted against what is published now (same library call as `node status`). */
import { nodeStatus } from '../../boot/node-status/index.js';
import type { Route } from '../router.js';

export const nodeStatusRoutes: Route[] = [
  {
    method: 'GET', path: '/nodes/{nodeset}/status',
    handle: async ({ services, params }) => ({ status: 200, body: await nodeStatus(services, params.nodeset as string) }),
  },
];
