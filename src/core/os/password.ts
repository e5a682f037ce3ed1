/**
 * Root passwords: SHA-512 crypt (`$6$`, the glibc/libxcrypt scheme that
 * /etc/shadow uses), computed in TypeScript so a clear password never appears
 * in a command line; reading a password from a file, stdin or a hash; and the
 * one check of password hashes for the CLI, the menu and the API.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readInputFile } from '../input-file.js';
import { UsageError } from '../../errors/index.js';

/** Alphabet of crypt's base-64 encoding (not RFC 4648). */
const CRYPT_ALPHABET = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const DEFAULT_ROUNDS = 5000;
const MAX_SALT_LENGTH = 16;

/** Byte triples of the final digest, in the order the scheme encodes them. */
const ENCODING_ORDER: readonly (readonly [number, number, number])[] = [
  [0, 21, 42], [22, 43, 1], [44, 2, 23], [3, 24, 45], [25, 46, 4], [47, 5, 26], [6, 27, 48],
  [28, 49, 7], [50, 8, 29], [9, 30, 51], [31, 52, 10], [53, 11, 32], [12, 33, 54], [34, 55, 13],
  [56, 14, 35], [15, 36, 57], [37, 58, 16], [59, 17, 38], [18, 39, 60], [40, 61, 19], [62, 20, 41],
];

function sha512(...parts: Buffer[]): Buffer {
  const hash = createHash('sha512');
  for (const part of parts) hash.update(part);
  return hash.digest();
}

/** `source` repeated (whole digests, then a prefix) up to `length` bytes. */
function stretch(source: Buffer, length: number): Buffer {
  const out = Buffer.alloc(length);
  for (let offset = 0; offset < length; offset += source.length) source.copy(out, offset, 0, Math.min(source.length, length - offset));
  return out;
}

function encode24(b2: number, b1: number, b0: number, count: number): string {
  let word = (b2 << 16) | (b1 << 8) | b0;
  let text = '';
  for (let i = 0; i < count; i += 1) {
    text += CRYPT_ALPHABET[word & 0x3f];
    word >>>= 6;
  }
  return text;
}

/** A random salt of 16 characters from crypt's alphabet. */
function randomSalt(): string {
  return [...randomBytes(MAX_SALT_LENGTH)].map((byte) => CRYPT_ALPHABET[byte & 0x3f]).join('');
}

/**
 * SHA-512 crypt of `password` (`$6$[rounds=N$]salt$hash`), as `crypt(3)` computes
 * it. `salt` may be a bare salt or `rounds=N$salt`; it is cut to 16 characters.
 */
export function sha512Crypt(password: string, salt: string = randomSalt()): string {
  let rounds = DEFAULT_ROUNDS;
  let explicitRounds = false;
  let saltText = salt.replace(/^\$6\$/, '');
  const roundsMatch = /^rounds=(\d+)\$/.exec(saltText);
  if (roundsMatch?.[1]) {
    rounds = Math.min(999_999_999, Math.max(1000, Number(roundsMatch[1])));
    explicitRounds = true;
    saltText = saltText.slice(roundsMatch[0].length);
  }
  saltText = saltText.split('$')[0]?.slice(0, MAX_SALT_LENGTH) ?? '';
  const key = Buffer.from(password, 'utf8');
  const saltBytes = Buffer.from(saltText, 'utf8');

  const alternate = sha512(key, saltBytes, key);
  const first = createHash('sha512').update(key).update(saltBytes);
  first.update(stretch(alternate, key.length));
  for (let length = key.length; length > 0; length >>= 1) first.update(length & 1 ? alternate : key);
  let digest = first.digest();

  const keyDigest = sha512(...Array.from({ length: key.length }, () => key));
  const keySequence = stretch(keyDigest, key.length);
  const saltDigest = sha512(...Array.from({ length: 16 + (digest[0] ?? 0) }, () => saltBytes));
  const saltSequence = stretch(saltDigest, saltBytes.length);

  for (let round = 0; round < rounds; round += 1) {
    const hash = createHash('sha512');
    hash.update(round & 1 ? keySequence : digest);
    if (round % 3) hash.update(saltSequence);
    if (round % 7) hash.update(keySequence);
    hash.update(round & 1 ? digest : keySequence);
    digest = hash.digest();
  }

  let encoded = '';
  for (const [a, b, c] of ENCODING_ORDER) encoded += encode24(digest[a] ?? 0, digest[b] ?? 0, digest[c] ?? 0, 4);
  encoded += encode24(0, 0, digest[63] ?? 0, 2);
  return `$6$${explicitRounds ? `rounds=${rounds}$` : ''}${saltText}$${encoded}`;
}

/** Whether `password` matches a `$6$` hash. */
export function verifySha512Crypt(password: string, hash: string): boolean {
  const match = /^\$6\$((?:rounds=\d+\$)?[^$]*)\$/.exec(hash);
  return match?.[1] !== undefined && sha512Crypt(password, match[1]) === hash;
}

/** Shape of a SHA-512 crypt hash as /etc/shadow holds it. */
export const SHA512_HASH_PATTERN = /^\$6\$(rounds=\d+\$)?[./0-9A-Za-z]{1,16}\$[./0-9A-Za-z]{86}$/;

/**
 * Shapes of the crypt(3) hashes libxcrypt verifies: MD5 (`$1$`), SHA-256
 * (`$5$`), SHA-512 (`$6$`), yescrypt (`$y$`, `$gy$`), bcrypt (`$2a$`,
 * `$2b$`, `$2y$`). Only crypt's own alphabet: no `:` (a shadow field
 * separator), no newline (an extra shadow line), nothing empty (`root::`).
 */
const CRYPT_HASH_PATTERNS: readonly RegExp[] = [
  /^\$1\$[./0-9A-Za-z]{1,8}\$[./0-9A-Za-z]{22}$/,
  /^\$5\$(rounds=\d{1,9}\$)?[./0-9A-Za-z]{1,16}\$[./0-9A-Za-z]{43}$/,
  SHA512_HASH_PATTERN,
  /^\$g?y\$[./0-9A-Za-z]{1,64}\$[./0-9A-Za-z]{1,86}\$[./0-9A-Za-z]{43}$/,
  /^\$2[aby]\$\d{2}\$[./0-9A-Za-z]{53}$/,
];

/** A locked root password: no password login (SSH keys still work). */
const LOCKED_HASHES = ['!', '*'];

/**
 * Returns `hash` if it is a crypt(3) hash /etc/shadow can hold (see the
 * shapes above) or a locked password (`!`, `*`); throws UsageError E_PASSWORD
 * otherwise. The one check for every hash given by the CLI, the menu, the
 * API, a spec file or a stored recipe.
 */
export function requirePasswordHash(hash: unknown): string {
  if (typeof hash === 'string' && (LOCKED_HASHES.includes(hash) || CRYPT_HASH_PATTERNS.some((p) => p.test(hash)))) return hash;
  throw new UsageError('E_PASSWORD', 'the password hash is not a crypt(3) hash ($6$..., $y$..., $5$..., $2b$...) nor a locked "!"',
    'make one with `mkpasswd -m sha-512`, or give the clear password by file or stdin');
}

/**
 * The `$6$` hash of a clear password, which must be one non-empty line.
 * Throws UsageError E_PASSWORD. The clear text is hashed in this process:
 * it never appears on a command line, in a file or in a log.
 */
export function hashClearPassword(clear: string): string {
  if (clear === '') throw new UsageError('E_PASSWORD', 'the password is empty', 'give a non-empty password');
  if (/[\0\r\n]/.test(clear)) throw new UsageError('E_PASSWORD', 'the password must be a single line', 'remove the line breaks');
  return sha512Crypt(clear);
}

/** Where a root password comes from (exactly one). */
export interface PasswordInput {
  /** A file whose first line is the clear password. */
  file?: string;
  /** Text read from stdin (first line is the password). */
  stdin?: string;
  /** A ready crypt(3) hash. */
  hash?: string;
}

function firstLine(text: string): string {
  return text.split(/\r?\n/)[0] ?? '';
}

/**
 * Turns a password input into a crypt(3) hash (clear passwords become `$6$`);
 * the clear text never leaves this function.
 * @throws UsageError E_PASSWORD for an empty password, a malformed hash, or
 * not exactly one source; UsageError E_FILE_NOT_FOUND for an unreadable file,
 * E_NOT_REGULAR_FILE for a FIFO, device or folder.
 */
export async function readPasswordInput(input: PasswordInput): Promise<string> {
  const given = [input.file, input.stdin, input.hash].filter((v) => v !== undefined).length;
  if (given !== 1) {
    throw new UsageError('E_PASSWORD', 'give exactly one of --password-file, --password-stdin or --password-hash',
      'a clear password is never accepted as an argument');
  }
  if (input.hash !== undefined) {
    return requirePasswordHash(input.hash);
  }
  let text: string;
  if (input.file !== undefined) {
    text = await readInputFile(input.file, 'the password file', 'give the path of a readable file');
  } else {
    text = input.stdin ?? '';
  }
  return hashClearPassword(firstLine(text));
}
