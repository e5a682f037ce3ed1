/**
 * The observer hook of the boot server: told about each finished file
 * request, so a layer above can record what each node fetched without the
 * server knowing about nodes. Kept cheap: one `close` listener per request
 * and a plain object; the observer must not block (it runs on the event loop).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Exchange } from './responses.js';

/** One finished GET/HEAD of the file tree (API requests are not reported). */
export interface ServedEvent {
  /** URL path as asked, still percent-encoded, without the query. */
  path: string;
  /** Query string without the `?` (`''` when none). */
  query: string;
  /** Peer address (`-` when the connection was already gone). */
  remoteAddress: string;
  /** Strong ETag of the file answered; undefined when no file was opened (404, 400...). */
  etag?: string;
  /** HTTP status sent. */
  status: number;
  /** Body bytes handed to the connection. */
  bytes: number;
  /** False when the connection closed before the whole answer was sent. */
  complete: boolean;
}

/** Receives {@link ServedEvent}s; an exception it throws is caught and logged by the server. */
export type ServedObserver = (event: ServedEvent) => void;

/** Reports the request to `observer` once its answer is finished or aborted. */
export function observeServed(req: IncomingMessage, res: ServerResponse, path: string, query: string,
  exchange: Exchange, observer: ServedObserver, onError: (error: unknown) => void): void {
  // Read now: once the connection is gone, req.socket is null.
  const remoteAddress = req.socket?.remoteAddress ?? '-';
  res.once('close', () => {
    try {
      observer({ path, query, remoteAddress, etag: exchange.etag, status: res.statusCode, bytes: exchange.bytes, complete: res.writableFinished });
    } catch (error) {
      onError(error);
    }
  });
}
