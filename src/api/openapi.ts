/**
 * The OpenAPI 3 document of the REST API, written by hand and served at
 * `/api/v1/openapi.json`. Keep it in step with the route files.
 */
import { NODE_PATHS, NODE_SCHEMAS } from './openapi-nodes.js';
import { jsonResponse, ref, responseRef, RESPONSES, SCHEMAS } from './openapi-schemas.js';
import { NODE_STATUS_SCHEMAS } from './openapi-node-status.js';
import { SERVER_PATHS, SERVER_SCHEMAS } from './openapi-servers.js';

const r = responseRef;
const param = (name: string, description: string) => ({ name, in: 'path', required: true, description, schema: { type: 'string' } });
const jsonBody = (schema: unknown) => ({ required: true, content: { 'application/json': { schema } } });
const jobAccepted = { '202': jsonResponse('Job started; follow links.self or links.events', ref('JobAccepted')), '401': r('Unauthorized'), '403': r('Forbidden') };
const read = { '401': r('Unauthorized') };
const change = { '400': r('BadRequest'), '401': r('Unauthorized'), '403': r('Forbidden'), '413': r('TooLarge'), '422': r('Unprocessable') };
const imageName = param('name', 'Image name');
const nodeset = param('nodeset', 'ClusterShell node set, URL-encoded (e.g. c%5B01-10%5D)');
const obj = (properties: Record<string, unknown>) => ({ type: 'object', properties });

export const OPENAPI_DOCUMENT = {
  openapi: '3.0.3',
  info: {
    title: 'disklessset REST API',
    version: '1',
    description: 'Images, kernels, boot assignments, nodes and profiles, and jobs of a disklessset installation. '
      + 'Every call needs "Authorization: Bearer <token>" (tokens: `disklessset api token create --role read|admin`). '
      + 'Read tokens may only GET.',
  },
  servers: [{ url: '/api/v1' }],
  security: [{ bearer: [] }],
  paths: {
    '/images': {
      get: { summary: 'List images', responses: { '200': jsonResponse('Images', obj({ images: { type: 'array', items: ref('ImageSummary') } })), ...read } },
      post: {
        summary: 'Create an image (job)', requestBody: jsonBody(ref('CreateImage')),
        responses: { ...jobAccepted, ...change, '404': r('NotFound'), '409': r('Conflict') },
      },
    },
    '/images/{name}': {
      parameters: [imageName],
      get: { summary: 'Show an image', responses: { '200': jsonResponse('The image', obj({ image: ref('ImageSummary') })), ...read, '404': r('NotFound') } },
      delete: {
        summary: 'Remove an image', parameters: [{ name: 'force', in: 'query', schema: { type: 'boolean' }, description: 'Remove even if nodes boot it (their assignments go too, named in the answer); needed for a DAMAGED image' }],
        responses: { '200': jsonResponse('Removed', obj({ name: { type: 'string' }, removed: { type: 'boolean' },
          unassignedNodes: { type: 'string', description: 'Folded node set that booted it and now boots no image ("" when none)' },
          unassignedNodeCount: { type: 'integer' } })), ...change, '404': r('NotFound'), '409': r('Conflict') },
      },
    },
    '/images/{name}/clean': {
      parameters: [imageName],
      post: {
        summary: 'Clean a CORRUPTED (or CREATED) image without loading it (job)',
        parameters: [{ name: 'force', in: 'query', schema: { type: 'boolean' }, description: 'Clean even if nodes boot it, or if it is DAMAGED' }],
        responses: { ...jobAccepted, '404': r('NotFound') },
      },
    },
    '/images/{name}/rebuild': {
      parameters: [imageName],
      post: {
        summary: 'Build an image again from the recipe it keeps (job); nodes keep booting the old one until the new one is published',
        responses: { ...jobAccepted, ...change, '404': r('NotFound') },
      },
    },
    '/images/{name}/history': {
      parameters: [imageName],
      get: {
        summary: 'Kept versions of an image, newest first (id, date, root image sha256 and bytes, kernel, source digest, the command that made it)',
        responses: { '200': jsonResponse('Versions', obj({ name: { type: 'string' }, versions: { type: 'array', items: { type: 'object' } } })), ...read, '404': r('NotFound') },
      },
    },
    '/images/{name}/rollback': {
      parameters: [imageName],
      post: {
        summary: 'Boot a kept version again (`to`: a version id or `previous`); idempotent',
        requestBody: jsonBody(obj({ to: { type: 'string', example: 'previous' } })),
        responses: { '200': jsonResponse('Rolled back', obj({ name: { type: 'string' }, version: { type: 'string' }, from: { type: 'string', nullable: true },
          changed: { type: 'boolean' } })), ...change, '404': r('NotFound'), '409': r('Conflict') },
      },
    },
    '/images/{name}/kernel': {
      parameters: [imageName],
      put: {
        summary: "Change an image's kernel", requestBody: jsonBody(obj({ kernel: { type: 'string', example: 'vmlinuz-6.1.0-28-amd64' } })),
        responses: { '200': jsonResponse('The image', obj({ image: ref('ImageSummary') })), ...change, '404': r('NotFound'), '409': r('Conflict') },
      },
    },
    '/kernels': {
      get: { summary: 'List kernels', responses: { '200': jsonResponse('Kernels', obj({ kernels: { type: 'array', items: ref('Kernel') } })), ...read } },
      post: {
        summary: 'Add a kernel from a file on the server',
        requestBody: jsonBody(obj({ path: { type: 'string' }, version: { type: 'string' }, initramfs: { type: 'string' } })),
        responses: { '201': jsonResponse('Added', obj({ kernel: ref('Kernel') })), ...change },
      },
    },
    '/kernels/{kernel}/initramfs': {
      parameters: [param('kernel', 'Kernel file name, vmlinuz-<version>')],
      post: {
        summary: 'Generate the initramfs of a kernel with dracut (job)',
        requestBody: { content: { 'application/json': { schema: obj({ chroot: { type: 'string' }, dracutArgs: { type: 'array', items: { type: 'string' } }, full: { type: 'boolean' } }) } } },
        responses: { ...jobAccepted, ...change, '404': r('NotFound') },
      },
    },
    '/boot': {
      get: { summary: 'Boot assignments by image', responses: { '200': jsonResponse('Assignments', obj({ assignments: { type: 'array', items: ref('Assignment') } })), ...read } },
    },
    '/boot/{nodeset}': {
      parameters: [nodeset],
      get: { summary: 'Image of each node (null: none)', responses: { '200': jsonResponse('Nodes', obj({ nodes: { type: 'object', additionalProperties: { type: 'string', nullable: true } } })), ...read, '422': r('Unprocessable') } },
      put: {
        summary: 'Make the nodes boot an image', requestBody: jsonBody(obj({ image: { type: 'string' } })),
        responses: { '200': jsonResponse('Assigned', obj({ assignment: ref('Assignment') })), ...change, '404': r('NotFound') },
      },
      delete: { summary: 'Remove the nodes\' assignments', responses: { '200': jsonResponse('Unassigned', obj({ removed: { type: 'string' }, notAssigned: { type: 'string' } })), ...change } },
    },
    ...NODE_PATHS,
    ...SERVER_PATHS,
    '/nodes/{nodeset}/status': {
      parameters: [param('nodeset', 'One node, or a ClusterShell node set URL-encoded (e.g. c%5B01-10%5D); every node must be in the inventory')],
      get: {
        summary: 'What each node fetched at its last boot (recorded by the boot server), against what is published now',
        responses: { '200': jsonResponse('Status of each node', ref('NodeStatusReport')), ...read, '404': r('NotFound'), '422': r('Unprocessable') },
      },
    },
    '/modules': {
      get: { summary: 'Image modules and their classes', responses: { '200': jsonResponse('Modules', obj({ modules: { type: 'array', items: ref('Module') } })), ...read } },
    },
    '/jobs': {
      get: { summary: 'Jobs of this server (forgotten on restart)', responses: { '200': jsonResponse('Jobs', obj({ jobs: { type: 'array', items: ref('Job') } })), ...read } },
    },
    '/jobs/{id}': {
      parameters: [param('id', 'Job id')],
      get: { summary: 'A job', responses: { '200': jsonResponse('The job', obj({ job: ref('Job') })), ...read, '404': r('NotFound') } },
    },
    '/jobs/{id}/events': {
      parameters: [param('id', 'Job id'), { name: 'Last-Event-ID', in: 'header', required: false, schema: { type: 'integer' } }],
      get: {
        summary: 'Server-sent events of a job: `progress` events, then one `done` or `failed`',
        responses: { '200': { description: 'text/event-stream', content: { 'text/event-stream': { schema: { type: 'string' } } } }, ...read, '404': r('NotFound') },
      },
    },
    '/openapi.json': { get: { summary: 'This document', responses: { '200': { description: 'OpenAPI 3 document' }, ...read } } },
  },
  components: {
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
    schemas: { ...SCHEMAS, ...NODE_SCHEMAS, ...NODE_STATUS_SCHEMAS, ...SERVER_SCHEMAS },
    responses: RESPONSES,
  },
} as const;
