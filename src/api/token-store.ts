/**
 * API tokens. A token is shown once, when created; the file keeps only its
 * SHA-256 hash (with id, label, role and date), is readable by root only and
 * is replaced atomically. Checking a token hashes it and compares the hash
 * with every stored one in constant time.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { join } from 'node:path';
import { NotFoundError, OperationError, UsageError } from '../errors/index.js';
import { validateTokenId } from '../core/names.js';
import type { Paths } from '../core/paths.js';
import { readTextIfExists, writeFileAtomic } from '../core/state/atomic-file.js';
import { withLock } from '../core/state/lock.js';

/** What a token may do: `read` only GETs, `admin` everything. */
export type TokenRole = 'read' | 'admin';
export const TOKEN_ROLES: readonly TokenRole[] = ['read', 'admin'];

/** A token as listed: never the token nor its hash. */
export interface TokenInfo {
  id: string;
  name: string;
  role: TokenRole;
  created: string;
}

interface StoredToken extends TokenInfo {
  sha256: string;
}

/** File name of the tokens, inside the config folder. */
export const TOKENS_FILE = 'api-tokens.json';
/** Prefix of every token, so a leaked one is easy to recognize (and to grep for). */
const TOKEN_PREFIX = 'dlss_';

function hashToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/** The token file of one installation. */
export class TokenStore {
  readonly file: string;

  constructor(paths: Paths) {
    this.file = join(paths.configDir, TOKENS_FILE);
  }

  private async readAll(): Promise<StoredToken[]> {
    const text = await readTextIfExists(this.file);
    if (text === undefined) return [];
    try {
      const parsed = JSON.parse(text) as { tokens?: StoredToken[] };
      if (!Array.isArray(parsed.tokens)) throw new Error('no "tokens" list');
      return parsed.tokens.filter((t) => typeof t.sha256 === 'string' && /^[0-9a-f]{64}$/.test(t.sha256));
    } catch (error) {
      // The message must not quote the file: it holds hashes.
      throw new OperationError('E_API_TOKENS_INVALID', `${this.file} is not a valid token file (${(error as Error).name})`,
        'remove it and create the tokens again');
    }
  }

  private async writeAll(tokens: StoredToken[]): Promise<void> {
    await writeFileAtomic(this.file, `${JSON.stringify({ version: 1, tokens }, null, 2)}\n`, 0o600);
  }

  /** Creates a token; returns it in clear (the only time it exists anywhere) with its info. */
  async create(role: string, name?: string): Promise<{ token: string; info: TokenInfo }> {
    if (!TOKEN_ROLES.includes(role as TokenRole)) {
      throw new UsageError('E_API_TOKEN_ROLE', `unknown role "${role}"`, 'use --role read or --role admin');
    }
    if (name !== undefined && (name.length > 100 || /[\p{Cc}]/u.test(name))) {
      throw new UsageError('E_API_TOKEN_NAME', 'a token label has at most 100 characters and no control characters', 'shorten it');
    }
    const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    const info: TokenInfo = {
      id: randomBytes(6).toString('hex'), name: name ?? '', role: role as TokenRole, created: new Date().toISOString(),
    };
    await withLock(this.file, async () => {
      const tokens = await this.readAll();
      await this.writeAll([...tokens, { ...info, sha256: hashToken(token).toString('hex') }]);
    });
    return { token, info };
  }

  /** Every token's id, label, role and creation date. */
  async list(): Promise<TokenInfo[]> {
    return (await this.readAll()).map(({ id, name, role, created }) => ({ id, name, role, created }));
  }

  /** Deletes a token; throws E_API_TOKEN_ID (malformed id) or E_API_TOKEN_NOT_FOUND. */
  async revoke(id: string): Promise<TokenInfo> {
    validateTokenId(id);
    return withLock(this.file, async () => {
      const tokens = await this.readAll();
      const found = tokens.find((t) => t.id === id);
      if (!found) throw new NotFoundError('E_API_TOKEN_NOT_FOUND', `no API token with id "${id}"`, 'see `disklessset api token list`');
      await this.writeAll(tokens.filter((t) => t !== found));
      const { sha256: _hash, ...info } = found;
      return info;
    });
  }

  /** The token's info if `token` is valid, else undefined. Every stored hash is compared, in constant time. */
  async verify(token: string): Promise<TokenInfo | undefined> {
    const presented = hashToken(token);
    let match: StoredToken | undefined;
    for (const stored of await this.readAll()) {
      if (timingSafeEqual(presented, Buffer.from(stored.sha256, 'hex')) && !match) match = stored;
    }
    if (!match) return undefined;
    const { sha256: _hash, ...info } = match;
    return info;
  }
}
