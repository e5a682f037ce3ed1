/**
 * What keeps one boot server up for the whole cluster whatever clients send:
 * bounded headers and request times, a short answer to requests the HTTP
 * parser refuses, and no event that could reach the process as an uncaught
 * error. Kept apart from the dispatcher so the limits are in one place.
 */
import { STATUS_CODES, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { formatAccessLine } from './access-log.js';

/** Largest request head (request line and headers) accepted; more is answered 431. */
export const MAX_HEADER_BYTES = 16 * 1024;
/** A client must have sent its whole request head within this time (slow-header attacks). */
export const HEADERS_TIMEOUT_MS = 20_000;
/** A client must have sent its whole request (head and body) within this time. */
export const REQUEST_TIMEOUT_MS = 60_000;
/** A connection idle this long (stalled client, forgotten keep-alive) is dropped. */
export const SOCKET_IDLE_TIMEOUT_MS = 120_000;

/** Where the guards report: access-log lines and one-line error reports. */
export interface GuardLogs {
  accessLog?: (line: string) => void;
  errorLog?: (line: string) => void;
}

/** Calls a log callback; a failing logger must never take the server down. */
export function safeLog(log: ((line: string) => void) | undefined, line: string): void {
  if (!log) return;
  try {
    log(line);
  } catch {
    // Nothing sensible is left to report to.
  }
}

function statusForParseError(code: string | undefined): number {
  if (code === 'HPE_HEADER_OVERFLOW') return 431;
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return 408;
  return 400;
}

/**
 * Applies the limits above to `server` and handles the errors node:http
 * reports outside any request: a request the parser refuses gets a short
 * 400/408/431 and the connection is closed; an error of the listening
 * socket itself (EMFILE on accept, ...) is reported instead of thrown.
 */
export function guardServer(server: Server, logs: GuardLogs): void {
  server.headersTimeout = HEADERS_TIMEOUT_MS;
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  server.timeout = SOCKET_IDLE_TIMEOUT_MS;
  // A client that sends its request and then shuts down its side (`printf ... | nc -N`,
  // some scripted clients) still gets its answer, as from nginx; node:http would drop it.
  (server as Server & { httpAllowHalfOpen: boolean }).httpAllowHalfOpen = true;
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    const client = (socket as { remoteAddress?: string }).remoteAddress ?? '-';
    // An answer already under way on this connection cannot be followed by another.
    const busy = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent === true;
    if (error.code === 'ECONNRESET' || !socket.writable || busy) {
      socket.destroy();
      return;
    }
    const status = statusForParseError(error.code);
    safeLog(logs.accessLog, formatAccessLine({ client, method: '-', path: '-', status, bytes: 0, durationMs: 0, aborted: false }));
    socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Bad Request'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    socket.once('error', () => socket.destroy());
  });
  server.on('error', (error: NodeJS.ErrnoException) => {
    safeLog(logs.errorLog, `server error: ${error.code ?? error.message}`);
  });
}
