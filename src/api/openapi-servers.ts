/**
 * The `/servers` part of the OpenAPI document (see openapi.ts): the boot
 * servers nodes fetch from, as `disklessset server` manages them.
 */
import { jsonResponse, ref, responseRef } from './openapi-schemas.js';

const text = { type: 'string' };
const obj = (properties: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ type: 'object', properties, ...extra });
const folded = { type: 'string', description: 'Folded node set, e.g. c[001-003] ("" when none)' };
const change = { '400': responseRef('BadRequest'), '401': responseRef('Unauthorized'), '403': responseRef('Forbidden'), '413': responseRef('TooLarge'), '422': responseRef('Unprocessable') };
const serverName = { type: 'string', pattern: '^[A-Za-z0-9_][A-Za-z0-9_.+-]{0,63}$' };
const url = { type: 'string', maxLength: 256, description: 'Base URL http(s)://host[:port][/prefix]; user names and passwords are refused', example: 'http://10.0.1.2:8080' };
const naming = { nodes: { ...folded, description: 'Nodes naming it in their own list' }, nodeCount: { type: 'integer' }, profiles: { type: 'array', items: text, description: 'Profiles naming it' } };

export const SERVER_SCHEMAS = {
  BootServer: obj({ name: text, url, ...naming }, { description: 'A boot server and who names it' }),
  CreateBootServer: obj({ name: serverName, url }, { required: ['name', 'url'], additionalProperties: false }),
};

export const SERVER_PATHS = {
  '/servers': {
    get: { summary: 'List the boot servers, with the nodes and profiles naming each, as `disklessset server list`', responses: { '200': jsonResponse('Boot servers', obj({ servers: { type: 'array', items: ref('BootServer') } })), '401': responseRef('Unauthorized') } },
    post: { summary: 'Add a boot server, as `disklessset server add`', requestBody: { required: true, content: { 'application/json': { schema: ref('CreateBootServer') } } }, responses: { '201': jsonResponse('Added', obj({ server: ref('BootServer') })), ...change, '409': responseRef('Conflict') } },
  },
  '/servers/{name}': {
    parameters: [{ name: 'name', in: 'path', required: true, description: 'Boot server name', schema: text }],
    delete: {
      summary: 'Remove a boot server, as `disklessset server remove`',
      parameters: [{ name: 'force', in: 'query', schema: { type: 'boolean' }, description: 'Also when nodes or profiles name it (it leaves their lists)' }],
      responses: { '200': jsonResponse('Removed', obj({ removed: { type: 'boolean' }, name: text, ...naming })), ...change, '404': responseRef('NotFound'), '409': responseRef('Conflict') },
    },
  },
};
