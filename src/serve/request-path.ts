/**
 * Maps a request target to a file inside the document root, refusing anything
 * that could reach outside it. The policy is deliberately strict because a
 * boot tree never needs odd names:
 *
 * - 400 for a malformed or suspicious target: not starting with `/`, bad
 *   percent-encoding, NUL bytes, backslashes, encoded slashes, `.`/`..`
 *   segments (in any encoding), or anything still percent-encoded after one
 *   decoding (double encoding);
 * - 403 when the name resolves (through symbolic links) outside the root;
 * - 404 when nothing is there, or when the name (as asked or as resolved)
 *   is one that is never served (state, recipes, locks, temporary files,
 *   dotfiles: see served-names.ts); a refusal must not reveal what exists.
 */
import { realpath } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { isHiddenPath } from './served-names.js';

/** Outcome of {@link resolveRequestPath}: a real file path, or the status to answer. */
export type ResolvedPath =
  | { ok: true; path: string }
  | { ok: false; status: 400 | 403 | 404; reason: string };

/**
 * Checks a URL path (query already removed, still percent-encoded) and returns
 * the decoded path relative to the root, or why it is refused (always 400).
 */
function decodeRequestPath(rawPath: string): { ok: true; segments: string[] } | { ok: false; reason: string } {
  if (!rawPath.startsWith('/')) return { ok: false, reason: 'target is not an absolute path' };
  // An encoded slash or backslash would let one segment smuggle a separator.
  if (/%(2f|5c)/i.test(rawPath)) return { ok: false, reason: 'encoded path separator' };
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    return { ok: false, reason: 'malformed percent-encoding' };
  }
  if (decoded.includes('\0')) return { ok: false, reason: 'NUL byte' };
  if (decoded.includes('\\')) return { ok: false, reason: 'backslash' };
  // Still percent-encoded after one decoding: a double-encoding attempt.
  if (/%[0-9a-f]{2}/i.test(decoded)) return { ok: false, reason: 'double percent-encoding' };
  const segments = decoded.split('/').filter((segment) => segment !== '');
  if (segments.some((segment) => segment === '.' || segment === '..')) {
    return { ok: false, reason: 'dot segment' };
  }
  return { ok: true, segments };
}

/** True when `candidate` is `root` itself or lies below it (both absolute, normalised). */
export function isInside(root: string, candidate: string): boolean {
  const rel = relative(root, candidate);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/**
 * Resolves `rawPath` against `realRoot` (which must already be a realpath).
 * Symbolic links are followed with `realpath`, and the result must stay
 * inside the root; a link pointing elsewhere in the tree is served normally.
 */
export async function resolveRequestPath(realRoot: string, rawPath: string): Promise<ResolvedPath> {
  const decoded = decodeRequestPath(rawPath);
  if (!decoded.ok) return { ok: false, status: 400, reason: decoded.reason };
  if (isHiddenPath(decoded.segments.join('/'))) return { ok: false, status: 404, reason: 'never served' };
  const candidate = resolve(realRoot, ...decoded.segments);
  // Belt and braces: after the checks above this cannot fail, but a lexical
  // escape must never reach the filesystem.
  if (!isInside(realRoot, candidate)) return { ok: false, status: 400, reason: 'path leaves the root' };
  let real: string;
  try {
    real = await realpath(candidate);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'ENAMETOOLONG') {
      return { ok: false, status: 404, reason: 'not found' };
    }
    if (code === 'EACCES' || code === 'ELOOP') return { ok: false, status: 403, reason: code };
    throw error;
  }
  if (!isInside(realRoot, real)) return { ok: false, status: 403, reason: 'symbolic link leaves the root' };
  // A link with an innocent name must not publish a hidden file.
  if (isHiddenPath(relative(realRoot, real).split(sep).join('/'))) return { ok: false, status: 404, reason: 'never served' };
  return { ok: true, path: real };
}
