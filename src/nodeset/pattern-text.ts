/**
 * Node name patterns: literal text with `%` doubled and `%s` where an index
 * goes (`rack%s-node%s`). This is ClusterShell's own pattern form; keeping it
 * matters because node sets print their patterns in its sort order.
 */
import { compareCodePoints } from './python-compat.js';

const piecesCache = new Map<string, string[]>();

/** Literal pieces around the `%s` slots (one more piece than slots; shared, do not modify). */
export function piecesOf(pattern: string): string[] {
  let pieces = piecesCache.get(pattern);
  if (pieces) return pieces;
  pieces = [];
  let current = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '%' && pattern[i + 1] === 's') { pieces.push(current); current = ''; i++; }
    else if (c === '%' && pattern[i + 1] === '%') { current += '%'; i++; }
    else current += c;
  }
  pieces.push(current);
  if (piecesCache.size > 10000) piecesCache.clear();
  piecesCache.set(pattern, pieces);
  return pieces;
}

/** Fills the slots of `pattern` with `args` in order. */
export function fillPattern(pattern: string, args: readonly string[]): string {
  const pieces = piecesOf(pattern);
  let out = pieces[0] as string;
  for (let k = 1; k < pieces.length; k++) out += (args[k - 1] as string) + (pieces[k] as string);
  return out;
}

/** Text before and after the slot of a one-slot pattern (the hot path of expanding). */
export function slotPieces(pattern: string): [string, string] {
  const pieces = piecesOf(pattern);
  return [pieces[0] as string, pieces[1] ?? ''];
}

/** Escapes user text for use inside a pattern. */
export function escapePattern(text: string): string {
  return text.replace(/%/g, '%%');
}

/** Patterns in ClusterShell's print order (Python string order). */
export function sortPatterns(patterns: Iterable<string>): string[] {
  return [...patterns].sort(compareCodePoints);
}
