/**
 * Small plain-text status answers and the per-request record the access log
 * reads. Kept apart so the file sender and the dispatcher share one format.
 */
import { STATUS_CODES, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';

/** What the access log needs to know about one request, filled in while answering. */
export interface Exchange {
  /** Body bytes handed to the connection. */
  bytes: number;
  /** Strong ETag of the file answered, once one was opened (see conditional.ts). */
  etag?: string;
}

/**
 * Answers `status` with a one-line text body (none for HEAD) plus `headers`.
 * Does nothing if the answer already started.
 */
export function sendStatus(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  exchange: Exchange,
  headers: OutgoingHttpHeaders = {},
): void {
  if (res.headersSent) return;
  const body = Buffer.from(`${status} ${STATUS_CODES[status] ?? 'Error'}\n`);
  // Headers set for a file answer (ETag, Cache-Control) must not leak onto an error.
  for (const name of res.getHeaderNames()) res.removeHeader(name);
  res.writeHead(status, {
    ...headers,
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': body.length,
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  exchange.bytes += body.length;
  res.end(body);
}
