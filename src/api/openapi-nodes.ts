/**
 * The `/nodes` and `/profiles` part of the OpenAPI document (see openapi.ts):
 * paths and their schemas, kept next to each other because they change together.
 */
import { jsonResponse, ref, responseRef } from './openapi-schemas.js';

const text = { type: 'string' };
const obj = (properties: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ type: 'object', properties, ...extra });
const nullable = (schema: Record<string, unknown>) => ({ ...schema, nullable: true });
const jsonBody = (schema: unknown) => ({ required: true, content: { 'application/json': { schema } } });
const folded = { type: 'string', description: 'Folded node set, e.g. c[001-003] ("" when empty)' };
const read = { '401': responseRef('Unauthorized') };
const change = { '400': responseRef('BadRequest'), '401': responseRef('Unauthorized'), '403': responseRef('Forbidden'), '413': responseRef('TooLarge'), '422': responseRef('Unprocessable') };

const attributes = {
  image: { type: 'string', description: 'Image the nodes boot (must exist)' },
  kernelArgs: { type: 'string', maxLength: 2048, description: 'Extra kernel arguments, one line' },
  mac: { type: 'array', items: { type: 'string', example: '52:54:00:12:34:56' }, description: 'MAC addresses (stored lower case, colons)' },
  ip: { type: 'string', description: 'IPv4 or IPv6 address' },
  vars: { type: 'object', additionalProperties: { type: 'string' }, description: 'Variables: name ([A-Za-z_][A-Za-z0-9_]*) to one line of text' },
  overlays: { type: 'array', items: text, description: 'Overlays given at boot, in order (a later one wins on the same path; a node\'s list adds to its profiles\' lists; must exist, see GET /overlays or `overlay list`)' },
  servers: { type: 'array', items: text, description: 'Boot servers to fetch from, in order of preference (names of `server list`; replaced whole, like mac)' },
  p2p: { type: 'boolean', description: 'Fetch the root image peer-to-peer at boot (kernel arguments diskless.p2p=1 and diskless.p2p.seed=SECONDS)' },
};
const profiles = { type: 'array', items: text, description: 'Profiles inherited, in order (a later one wins; the node\'s own values win over all)' };

export const NODE_SCHEMAS = {
  NodeAttributes: obj(attributes, { additionalProperties: false }),
  NodeRow: obj({ name: text, profiles, ...attributes }, { description: 'A node with its effective attributes (profiles applied)' }),
  EffectiveNode: obj({
    name: text, profiles,
    attributes: ref('NodeAttributes'),
    origins: { type: 'object', additionalProperties: true, description: 'Attribute (for vars: variable name) to where it comes from: "node" or "profile:<name>"' },
    missingProfiles: { type: 'array', items: text, description: 'Profiles the node lists that do not exist' },
  }),
  CreateNodes: obj({ nodes: { type: 'string', description: 'Node set to add, e.g. c[001-100]' }, profiles, ...attributes }, { required: ['nodes'], additionalProperties: false }),
  NodePatch: obj({
    profiles: nullable(profiles), image: nullable(attributes.image), kernelArgs: nullable(attributes.kernelArgs), mac: nullable(attributes.mac), ip: nullable(attributes.ip), overlays: nullable(attributes.overlays), servers: nullable(attributes.servers), p2p: nullable(attributes.p2p),
    vars: nullable({ type: 'object', additionalProperties: { type: 'string', nullable: true }, description: 'A variable set to null is removed; the others are added or changed' }),
  }, { additionalProperties: false, description: 'JSON merge patch: a value sets, null removes (inherited from profiles again)', example: { image: 'gold', vars: { rack: 'a1', slot: null } } }),
  NodeSet: obj({ nodes: folded, nodeCount: { type: 'integer' } }),
  Profile: obj({ name: text, nodes: { ...folded, description: 'Nodes listing the profile (folded)' }, nodeCount: { type: 'integer' }, ...attributes }),
  CreateProfile: obj({ name: { type: 'string', pattern: '^[A-Za-z0-9_][A-Za-z0-9_.+-]{0,63}$' }, ...attributes }, { required: ['name'], additionalProperties: false }),
};

const nodeset = { name: 'nodeset', in: 'path', required: true, description: 'GET: one node name; PATCH, DELETE: a node set, URL-encoded (c%5B01-10%5D)', schema: text };
const profileName = { name: 'name', in: 'path', required: true, description: 'Profile name', schema: text };
const patchBody = (schema: string) => ({ required: true, content: { 'application/json': { schema: ref(schema) }, 'application/merge-patch+json': { schema: ref(schema) } } });
const profileAnswer = (description: string) => jsonResponse(description, obj({ profile: ref('Profile') }));

export const NODE_PATHS = {
  '/nodes': {
    get: {
      summary: 'List the nodes of the inventory, with their effective attributes',
      parameters: [{ name: 'nodes', in: 'query', required: false, description: 'Only the nodes of this node set', schema: text }],
      responses: { '200': jsonResponse('Nodes', obj({ nodes: folded, nodeCount: { type: 'integer' }, entries: { type: 'array', items: ref('NodeRow') } })), ...read, '422': responseRef('Unprocessable') },
    },
    post: {
      summary: 'Add the nodes of a node set (all or none), as `disklessset node add`', requestBody: jsonBody(ref('CreateNodes')),
      responses: { '201': jsonResponse('Added', ref('NodeSet')), ...change, '409': responseRef('Conflict') },
    },
  },
  '/nodes/{nodeset}': {
    parameters: [nodeset],
    get: { summary: 'One node: effective attributes and where each comes from, as `disklessset node show --json`', responses: { '200': jsonResponse('The node', obj({ node: ref('EffectiveNode') })), ...read, '404': responseRef('NotFound'), '422': responseRef('Unprocessable') } },
    patch: { summary: 'Change the nodes of a node set (all or none), as `disklessset node set`', requestBody: patchBody('NodePatch'), responses: { '200': jsonResponse('Changed', ref('NodeSet')), ...change, '404': responseRef('NotFound') } },
    delete: { summary: 'Remove the nodes of a node set from the inventory (all or none)', responses: { '200': jsonResponse('Removed', ref('NodeSet')), ...change, '404': responseRef('NotFound') } },
  },
  '/profiles': {
    get: { summary: 'List the profiles, with the nodes listing each', responses: { '200': jsonResponse('Profiles', obj({ profiles: { type: 'array', items: ref('Profile') } })), ...read } },
    post: { summary: 'Add a profile, as `disklessset profile add`', requestBody: jsonBody(ref('CreateProfile')), responses: { '201': profileAnswer('Added'), ...change, '409': responseRef('Conflict') } },
  },
  '/profiles/{name}': {
    parameters: [profileName],
    get: { summary: 'One profile', responses: { '200': profileAnswer('The profile'), ...read, '404': responseRef('NotFound'), '422': responseRef('Unprocessable') } },
    patch: {
      summary: 'Change a profile (every node listing it follows), as `disklessset profile set`; the body is a NodePatch without profiles',
      requestBody: patchBody('NodePatch'), responses: { '200': profileAnswer('Changed'), ...change, '404': responseRef('NotFound') },
    },
    delete: {
      summary: 'Remove a profile', parameters: [{ name: 'force', in: 'query', schema: { type: 'boolean' }, description: 'Remove it even if nodes list it (it leaves their lists)' }],
      responses: { '200': jsonResponse('Removed', obj({ name: text, removed: { type: 'boolean' }, nodes: { ...folded, description: 'Nodes that listed it' }, nodeCount: { type: 'integer' } })), ...change, '404': responseRef('NotFound'), '409': responseRef('Conflict') },
    },
  },
};
