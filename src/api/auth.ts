/**
 * Bearer-token authentication of API calls. Tokens come only from the
 * Authorization header (never the URL, which ends up in access logs).
 */
import type { IncomingMessage } from 'node:http';
import { containsTokenText } from '../serve/access-log.js';
import { HttpError } from './http-io.js';
import type { TokenInfo, TokenStore } from './token-store.js';

const CHALLENGE = { 'WWW-Authenticate': 'Bearer realm="disklessset"' };

/** Query parameters that look like an attempt to pass a token in the URL. */
const TOKEN_PARAMETERS = new Set(['token', 'access_token', 'api_key', 'apikey', 'bearer']);

/**
 * Refuses a request target (`req.url`, path or query, percent-decoded, any
 * case) that holds token-looking text, or a query with a token parameter.
 * Such a token is refused even if valid: URLs end up in logs, proxies and
 * shell histories, and error messages echo paths.
 * @throws HttpError E_API_TOKEN_IN_URL (400).
 */
export function refuseTokenInUrl(target: string, query: URLSearchParams): void {
  const names = [...query.keys()].map((name) => name.toLowerCase());
  if (containsTokenText(target) || names.some((name) => TOKEN_PARAMETERS.has(name))) {
    throw new HttpError(400, 'E_API_TOKEN_IN_URL', 'tokens are not accepted in the URL',
      'send "Authorization: Bearer <token>" instead, and revoke a token that was sent in a URL (`disklessset api token revoke ID`)');
  }
}

/** Methods a read token may use. */
const READ_METHODS = new Set(['GET', 'HEAD']);

/**
 * The caller's token, from the `Authorization: Bearer` header.
 * @throws HttpError E_API_UNAUTHENTICATED (401) without a bearer token,
 * E_API_BAD_TOKEN (401) for an unknown or revoked one.
 */
export async function authenticate(req: IncomingMessage, tokens: TokenStore): Promise<TokenInfo> {
  const header = req.headers.authorization ?? '';
  const match = /^Bearer[ ]+([\x21-\x7e]{1,512})\s*$/i.exec(header);
  if (!match) {
    throw new HttpError(401, 'E_API_UNAUTHENTICATED', 'this call needs a bearer token',
      'send "Authorization: Bearer <token>" (create one with `disklessset api token create`)', CHALLENGE);
  }
  const info = await tokens.verify(match[1] as string);
  if (!info) {
    throw new HttpError(401, 'E_API_BAD_TOKEN', 'the token is not valid (unknown or revoked)',
      'check it, or create another with `disklessset api token create`', { 'WWW-Authenticate': 'Bearer error="invalid_token"' });
  }
  return info;
}

/**
 * Checks that `token` may use the HTTP `method` (a read token only reads).
 * @throws HttpError E_API_FORBIDDEN (403) otherwise.
 */
export function authorize(token: TokenInfo, method: string): void {
  if (token.role === 'admin' || READ_METHODS.has(method)) return;
  throw new HttpError(403, 'E_API_FORBIDDEN', `a ${token.role} token cannot change anything`, 'use an admin token');
}
