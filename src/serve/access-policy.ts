/**
 * The access hook of the boot server: a layer above decides, per file and
 * per peer address, whether a file may be sent (the boot layer restricts
 * archives holding secrets to their node's address). The server knows
 * nothing of nodes; it asks the hook once the request path is resolved and
 * answers 403 on `deny`.
 */

/**
 * Decides whether `filePath` (the real path of the file asked, after every
 * check of request-path.ts) may be sent to `remoteAddress` (the peer address
 * as node:net gives it, e.g. `10.0.0.5` or `::ffff:10.0.0.5`; `-` when the
 * connection is already gone). A thrown error or rejection denies the request
 * and is logged.
 */
export type AccessPolicy = (filePath: string, remoteAddress: string) => 'allow' | 'deny' | Promise<'allow' | 'deny'>;
