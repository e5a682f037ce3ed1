/**
 * Reading requests and writing JSON answers for the REST API. Every error
 * answer has the shape `{"error": {"code", "message", "hint"}}`; typed
 * library errors keep their code and map to their `httpStatus`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DisklessError } from '../errors/index.js';

/** Largest accepted request body: API bodies are small JSON objects. */
export const MAX_BODY_BYTES = 64 * 1024;

/** An HTTP-level refusal that has no library error kind (400, 401, 403, 405, 413, 415). */
export class HttpError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly hint?: string,
    readonly headers: Record<string, string> = {}) {
    super(message);
    this.name = 'HttpError';
  }
}

/** Body of an error answer. */
export interface ErrorBody {
  error: { code: string; message: string; hint?: string };
}

/** Writes `body` as JSON with `status`. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = `${JSON.stringify(body, null, 2)}\n`;
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    ...headers,
  });
  res.end(text);
}

/** Status and body of the answer for a thrown value. Unexpected errors stay vague: details may hold paths or secrets. */
export function errorAnswer(error: unknown): { status: number; body: ErrorBody; headers: Record<string, string> } {
  if (error instanceof HttpError) {
    return { status: error.status, body: { error: { code: error.code, message: error.message, hint: error.hint } }, headers: error.headers };
  }
  if (error instanceof DisklessError) {
    return { status: error.httpStatus, body: { error: { code: error.code, message: error.message, hint: error.hint } }, headers: {} };
  }
  return { status: 500, body: { error: { code: 'E_API_INTERNAL', message: 'internal error', hint: 'see the server log' } }, headers: {} };
}

/** Answers with the error of a thrown value (or drops the connection if an answer was already started). */
export function sendError(res: ServerResponse, error: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const { status, body, headers } = errorAnswer(error);
  sendJson(res, status, body, headers);
}

/**
 * After a body is refused, at most this much more is read and thrown away,
 * so that a client still sending can read the 413; past it the connection is cut.
 */
const MAX_DISCARD_BYTES = 1024 * 1024;

function bodyTooLarge(): HttpError {
  // Connection: close, because the rest of the body is not read as a next request.
  return new HttpError(413, 'E_API_BODY_TOO_LARGE', `request body over ${MAX_BODY_BYTES} bytes`, 'send a smaller JSON object',
    { Connection: 'close' });
}

function bodyBroken(): HttpError {
  return new HttpError(400, 'E_API_BAD_BODY', 'the request body was broken off', 'send the whole body');
}

/** Reads and drops what is left of a refused body, within {@link MAX_DISCARD_BYTES}. */
function discardBody(req: IncomingMessage): void {
  let discarded = 0;
  req.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > MAX_DISCARD_BYTES) req.socket?.destroy();
  });
  req.on('error', () => undefined);
  req.resume();
}

/**
 * Reads a request body into memory, at most {@link MAX_BODY_BYTES} whether
 * its length is declared or it comes chunked: reading stops at the limit.
 * @throws HttpError E_API_BODY_TOO_LARGE (413) past the limit,
 * E_API_BAD_BODY (400) when the client breaks the body off.
 */
export function readBody(req: IncomingMessage): Promise<Buffer> {
  if (Number(req.headers['content-length'] ?? 0) > MAX_BODY_BYTES) {
    discardBody(req);
    return Promise.reject(bodyTooLarge());
  }
  // A client gone while the request was being authenticated: its 'close' has passed, waiting would never end.
  if (req.destroyed) return Promise.reject(bodyBroken());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onBroken);
      req.off('close', onBroken);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) {
        chunks.push(chunk);
        return;
      }
      stop();
      discardBody(req);
      reject(bodyTooLarge());
    };
    const onEnd = () => {
      stop();
      resolve(Buffer.concat(chunks));
    };
    const onBroken = () => {
      stop();
      req.on('error', () => undefined);
      reject(bodyBroken());
    };
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('error', onBroken);
    req.once('close', onBroken);
  });
}

/**
 * Reads a JSON request body (see {@link readBody} for the size limit). An
 * empty body gives `{}`.
 * @throws HttpError E_API_BAD_JSON (400) for invalid JSON; and those of {@link readBody}.
 */
export async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const text = (await readBody(req)).toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HttpError(400, 'E_API_BAD_JSON', 'the request body is not valid JSON', 'send a JSON object with Content-Type: application/json');
  }
}

/**
 * Reads a body that must be a JSON object (an empty body gives `{}`).
 * @throws HttpError E_API_BAD_JSON (400) for invalid JSON or another JSON value; and those of {@link readBody}.
 */
export async function readJsonObject(req: IncomingMessage): Promise<Record<string, unknown>> {
  const body = await readJsonBody(req);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new HttpError(400, 'E_API_BAD_JSON', 'the request body must be a JSON object', 'send {"...": ...}');
  }
  return body as Record<string, unknown>;
}
