/**
 * `/profiles` routes: attributes shared by nodes (list, show, add, change,
 * remove), over the same functions as `disklessset profile`
 * (core/nodes/node-operations.ts).
 */
import { ATTRIBUTE_KEYS, checkAttributes } from '../../core/nodes/attributes.js';
import { parseAttributeChanges } from '../../core/nodes/changes.js';
import { addProfile, changeProfile, listProfiles, showProfile } from '../../core/nodes/node-operations.js';
import { requireKnownKeys } from '../../core/raw-options.js';
import { readJsonObject } from '../http-io.js';
import type { Route } from '../router.js';
import { requireString } from './answers.js';

const BODY = 'the request body';

export const profileRoutes: Route[] = [
  {
    method: 'GET', path: '/profiles',
    handle: async ({ services }) => ({ status: 200, body: { profiles: await listProfiles(services.inventory) } }),
  },
  {
    method: 'POST', path: '/profiles',
    async handle({ req, services }) {
      const body = await readJsonObject(req);
      requireKnownKeys(body, ['name', ...ATTRIBUTE_KEYS], BODY);
      const { name: _name, ...attributes } = body;
      const name = requireString(body, 'name');
      return { status: 201, body: { profile: await addProfile(services, name, checkAttributes(attributes, BODY, false)) } };
    },
  },
  {
    method: 'GET', path: '/profiles/{name}',
    handle: async ({ services, params }) => ({ status: 200, body: { profile: await showProfile(services.inventory, params.name as string) } }),
  },
  {
    method: 'PATCH', path: '/profiles/{name}',
    async handle({ req, services, params }) {
      const changes = parseAttributeChanges(await readJsonObject(req), BODY, false);
      return { status: 200, body: { profile: await changeProfile(services, params.name as string, changes) } };
    },
  },
  {
    method: 'DELETE', path: '/profiles/{name}',
    async handle({ services, params, query }) {
      const name = params.name as string;
      const users = await services.inventory.removeProfile(name, { force: query.get('force') === 'true' });
      return { status: 200, body: { name, removed: true, ...users } };
    },
  },
];
