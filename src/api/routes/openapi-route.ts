/** `/openapi.json` route: the OpenAPI document of this API version. */
import { OPENAPI_DOCUMENT } from '../openapi.js';
import type { Route } from '../router.js';

export const openapiRoutes: Route[] = [
  {
    method: 'GET', path: '/openapi.json',
    handle: async () => ({ status: 200, body: OPENAPI_DOCUMENT }),
  },
];
