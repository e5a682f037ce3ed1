/**
 * `/nodes` routes: the node inventory (list, show, add, change, remove),
 * over the same functions as `disklessset node` (core/nodes/node-operations.ts),
 * so bodies are checked as the CLI's options and nodes.yml are.
 */
import { NODE_KEYS, checkAttributes } from '../../core/nodes/attributes.js';
import { parseAttributeChanges } from '../../core/nodes/changes.js';
import { addNodes, changeNodes, listNodes, showNode } from '../../core/nodes/node-operations.js';
import { requireKnownKeys } from '../../core/raw-options.js';
import { foldNodes } from '../../nodeset/index.js';
import { readJsonObject } from '../http-io.js';
import type { Route } from '../router.js';
import { requireString } from './answers.js';

const BODY = 'the request body';

export const nodeRoutes: Route[] = [
  {
    method: 'GET', path: '/nodes',
    async handle({ services, query }) {
      const entries = await listNodes(services.inventory, query.get('nodes') ?? undefined);
      const names = entries.map((entry) => entry.name);
      return { status: 200, body: { nodes: names.length ? foldNodes(names) : '', nodeCount: names.length, entries } };
    },
  },
  {
    method: 'POST', path: '/nodes',
    async handle({ req, services }) {
      const body = await readJsonObject(req);
      requireKnownKeys(body, ['nodes', ...NODE_KEYS], BODY);
      const { nodes: _nodes, ...attributes } = body;
      const nodeSet = requireString(body, 'nodes');
      return { status: 201, body: await addNodes(services, nodeSet, checkAttributes(attributes, BODY, true)) };
    },
  },
  {
    method: 'GET', path: '/nodes/{nodeset}',
    handle: async ({ services, params }) => ({ status: 200, body: { node: await showNode(services.inventory, params.nodeset as string) } }),
  },
  {
    method: 'PATCH', path: '/nodes/{nodeset}',
    async handle({ req, services, params }) {
      const changes = parseAttributeChanges(await readJsonObject(req), BODY, true);
      return { status: 200, body: await changeNodes(services, params.nodeset as string, changes) };
    },
  },
  {
    method: 'DELETE', path: '/nodes/{nodeset}',
    handle: async ({ services, params }) => ({ status: 200, body: await services.inventory.removeNodes(params.nodeset as string) }),
  },
];
