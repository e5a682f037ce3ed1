/** OpenAPI schemas of `/nodes/{nodeset}/status` (kept apart so the node routes' schemas can grow beside them). */
const str = { type: 'string' };
const nullableStr = { type: 'string', nullable: true };
const time = { type: 'string', format: 'date-time' };
const folded = (what: string) => ({ type: 'string', description: `Folded node set of the nodes ${what} ("" when none)` });

export const NODE_STATUS_SCHEMAS = {
  FileStatus: {
    type: 'object',
    properties: {
      stage: { type: 'string', enum: ['nodeScript', 'bootFile', 'kernel', 'initramfs', 'overlay', 'rootImage'] },
      path: { type: 'string', description: 'URL path the node asked for' },
      bootedVersion: { type: 'string', description: 'Strong ETag served at the last boot' },
      publishedVersion: { type: 'string', nullable: true, description: 'ETag the server would send now (null: the file is gone)' },
      fetchedAt: time,
    },
  },
  NodeStatus: {
    type: 'object',
    properties: {
      name: str,
      image: { ...nullableStr, description: 'Image assigned now (own or from a profile)' },
      bootedImage: { ...nullableStr, description: 'Image whose files it fetched at its last boot' },
      state: { type: 'string', enum: ['up to date', 'stale', 'never booted'] },
      lastSeen: { ...time, nullable: true }, address: nullableStr, mac: nullableStr,
      files: { type: 'array', items: { $ref: '#/components/schemas/FileStatus' } },
      staleReasons: { type: 'array', items: str },
      mismatches: { type: 'array', items: str, description: 'Files fetched that are not those of the assigned image' },
    },
  },
  NodeStatusReport: {
    type: 'object',
    properties: {
      nodes: folded('asked for'), nodeCount: { type: 'integer' },
      staleNodes: folded('a reboot would change'), staleNodeCount: { type: 'integer' },
      neverBootedNodes: folded('never seen'), neverBootedNodeCount: { type: 'integer' },
      mismatchNodes: folded('that fetched files of another image'), mismatchNodeCount: { type: 'integer' },
      statuses: { type: 'array', items: { $ref: '#/components/schemas/NodeStatus' } },
      unknownRequests: {
        type: 'object', nullable: true, description: 'Requests that named no inventory node, or named a node with a registered address from another address: total and the latest ones (null when a node set was asked for); control characters of request text are escaped as \\xNN',
        properties: {
          count: { type: 'integer' },
          recent: { type: 'array', items: { type: 'object', properties: { name: str, mac: str, address: str, path: str, at: time, registeredAddress: { type: 'string', description: 'the registered address (ip) of the node the request named, when it came from another one' } } } },
        },
      },
    },
  },
};
