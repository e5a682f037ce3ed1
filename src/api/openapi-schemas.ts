/** Component schemas and shared responses of the OpenAPI document (see openapi.ts). */

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

export const SCHEMAS = {
  Error: {
    type: 'object', required: ['error'],
    properties: {
      error: {
        type: 'object', required: ['code', 'message'],
        properties: {
          code: { type: 'string', description: 'Stable code, e.g. E_IMAGE_NOT_FOUND (see docs/errors.md)' },
          message: { type: 'string' },
          hint: { type: 'string', description: 'What the caller can do about it' },
        },
      },
    },
  },
  ImageSummary: {
    type: 'object', required: ['name', 'status'],
    properties: {
      name: { type: 'string' },
      status: { type: 'string', enum: ['CREATED', 'IN_CREATION', 'CORRUPTED', 'DAMAGED'] },
      reason: { type: 'string', description: 'why a DAMAGED image cannot be loaded' },
      image_class: { type: 'string' },
      pid: { type: 'integer' },
      module_installed: { type: 'boolean' },
      attributes: { type: 'object', additionalProperties: true, description: 'Secrets such as password are redacted' },
    },
  },
  CreateImage: {
    type: 'object', required: ['type', 'name'],
    properties: {
      type: { type: 'string', description: 'Module name (if it has one image class) or image class name', example: 'demo' },
      name: { type: 'string', pattern: '^[A-Za-z0-9_+][A-Za-z0-9_.+-]{0,63}$' },
      options: { type: 'object', additionalProperties: true, description: "Checked by the class's own prepare (or parseOptions), exactly as its CLI create command; OS images take the shared OS options (kernel, type, source, tls_verify, release, repo, gpg_key, nogpgcheck, packages, password or password_hash, ssh_pub_key, selinux, optimize)", example: { message: 'hi' } },
    },
  },
  Kernel: {
    type: 'object',
    properties: {
      kernel: { type: 'string' }, version: { type: 'string' }, initramfs: { type: 'string' }, initramfs_present: { type: 'boolean' },
    },
  },
  Assignment: {
    type: 'object',
    properties: { image: { type: 'string' }, nodes: { type: 'string', description: 'Folded node set' }, count: { type: 'integer' } },
  },
  Job: {
    type: 'object', required: ['id', 'status', 'links'],
    properties: {
      id: { type: 'string' },
      kind: { type: 'string', enum: ['image.create', 'image.rebuild', 'image.clean', 'kernel.initramfs'] },
      target: { type: 'string' },
      status: { type: 'string', enum: ['running', 'succeeded', 'failed'] },
      created: { type: 'string', format: 'date-time' },
      finished: { type: 'string', format: 'date-time' },
      result: {},
      error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' }, hint: { type: 'string' } } },
      step: { type: 'object', properties: { name: { type: 'string' }, index: { type: 'integer' }, total: { type: 'integer' } } },
      links: { type: 'object', properties: { self: { type: 'string' }, events: { type: 'string' } } },
    },
  },
  JobAccepted: { type: 'object', required: ['job'], properties: { job: ref('Job') } },
  Module: {
    type: 'object',
    properties: {
      name: { type: 'string' }, status: { type: 'string', enum: ['ok', 'broken'] }, builtin: { type: 'boolean' },
      description: { type: 'string' }, error: { type: 'string' },
      image_classes: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, description: { type: 'string' }, api_creatable: { type: 'boolean' } } } },
    },
  },
};

const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: ref('Error') } } });

export const RESPONSES = {
  BadRequest: errorResponse('Invalid JSON or path encoding'),
  Unauthorized: errorResponse('No token, or an unknown or revoked one'),
  Forbidden: errorResponse('A read token was used on a change'),
  NotFound: errorResponse('No such image, kernel, node, profile, job or endpoint'),
  Conflict: errorResponse('Name taken (image, node, profile), image busy, not ready, still booted by nodes, or profile in use'),
  Unprocessable: errorResponse('Invalid options or fields (message says which)'),
  TooLarge: errorResponse('Request body over 64 KiB'),
};

/** A JSON response with `schema`. */
export function jsonResponse(description: string, schema: unknown): Record<string, unknown> {
  return { description, content: { 'application/json': { schema } } };
}

/** A reference to one of {@link RESPONSES}. */
export function responseRef(name: keyof typeof RESPONSES): { $ref: string } {
  return { $ref: `#/components/responses/${name}` };
}

export { ref };
