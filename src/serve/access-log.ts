/**
 * One access-log line per request: client, method, path, status, body bytes,
 * duration — written when the connection is done with the answer, so aborted
 * downloads are logged too (with the bytes actually handed over).
 */

/** Fields of one access-log line. */
export interface AccessRecord {
  client: string;
  method: string;
  path: string;
  status: number;
  bytes: number;
  durationMs: number;
  /** The client left before the answer was complete. */
  aborted: boolean;
}

/**
 * Makes request data safe for a log line: anything outside printable ASCII
 * (including spaces and control characters a client could use to forge
 * lines) is percent-encoded.
 */
function sanitizeForLog(value: string): string {
  return value.replace(/[^\x21-\x7e]/gu, (char) =>
    [...Buffer.from(char, 'utf8')].map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join(''));
}

/**
 * Formats a record as `CLIENT METHOD PATH STATUS BYTES DURATIONms`, with
 * ` aborted` appended when the client left early. Space-separated so it is
 * easy to cut/awk; the path is sanitized so it never contains a space.
 */
export function formatAccessLine(record: AccessRecord): string {
  const fields = [
    record.client,
    sanitizeForLog(record.method),
    sanitizeForLog(record.path),
    String(record.status),
    String(record.bytes),
    `${record.durationMs.toFixed(1)}ms`,
  ];
  if (record.aborted) fields.push('aborted');
  return fields.join(' ');
}

/** Prefix of the API's bearer tokens (see api/token-store.ts). */
const TOKEN_PREFIX = 'dlss_';

/** `text` percent-decoded until stable (double encoding included); malformed escapes are kept as they are. */
function fullyDecoded(text: string): string {
  let current = text;
  for (let round = 0; round < 5; round++) {
    let next: string;
    try {
      next = decodeURIComponent(current);
    } catch {
      next = current.replace(/%([0-9A-Fa-f]{2})/gu, (_match, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
    }
    if (next === current) break;
    current = next;
  }
  return current;
}

/**
 * Whether `text` (a request target or part of it) holds token-looking text:
 * the token prefix, in any case, once percent-decoded.
 */
export function containsTokenText(text: string): boolean {
  return text.toLowerCase().includes(TOKEN_PREFIX) || fullyDecoded(text).toLowerCase().includes(TOKEN_PREFIX);
}

/**
 * The request target as logged: the query string is replaced by `?REDACTED`,
 * because a client may put a secret there (a token sent as `?token=`), and
 * every path segment holding token-looking text by `REDACTED` (a token pasted
 * into the path): nothing secret is written to a log.
 */
export function loggedTarget(target: string): string {
  const queryAt = target.indexOf('?');
  const path = queryAt < 0 ? target : target.slice(0, queryAt);
  const safePath = path.split('/').map((segment) => (containsTokenText(segment) ? 'REDACTED' : segment)).join('/');
  return queryAt < 0 ? safePath : `${safePath}?REDACTED`;
}
