/**
 * Natural order of node, profile and image names (`n2` before `n10`), as
 * node set folding shows nodes: ICU collation with numeric ordering
 * (`Intl.Collator('en', { numeric: true })`).
 *
 * The collator costs about a microsecond and a half per comparison, and a
 * one-node change orders 10,000 names two or three times even when they are
 * already in order. Most pairs of node names are decided without it, exactly
 * as it would decide them: past an identical prefix, collation compares the
 * first differing characters' primary weights, so
 * - two digit runs of the same length there compare as their digits do (the
 *   numeric order of equal-length runs);
 * - two different ASCII letters compare as their lower-case forms do (letters
 *   differ at the primary level alphabetically; case is only tertiary).
 * Any other pair (runs of other lengths, punctuation, letters differing only
 * in case, non-ASCII) is left to the collator.
 */

// Made on first use: building an ICU collator costs tens of milliseconds, paid
// otherwise by every command at start-up, sorting or not.
let collator: Intl.Collator | undefined;

const isDigit = (code: number): boolean => code >= 48 && code <= 57;
const lowerLetter = (code: number): number => (code >= 65 && code <= 90 ? code + 32 : code >= 97 && code <= 122 ? code : -1);

/** The end (exclusive) of the digit run of `text` that holds index `at`. */
function runEnd(text: string, at: number): number {
  let end = at;
  while (end < text.length && isDigit(text.charCodeAt(end))) end += 1;
  return end;
}

/** The sign the collator gives `a` against `b` when it can be told without it (see the module comment), else undefined. */
function quickOrder(a: string, b: string): number | undefined {
  let i = 0;
  const shorter = Math.min(a.length, b.length);
  while (i < shorter && a.charCodeAt(i) === b.charCodeAt(i)) i += 1;
  if (i === shorter) return undefined;
  const x = a.charCodeAt(i);
  const y = b.charCodeAt(i);
  if (isDigit(x) && isDigit(y)) {
    // The run may start before i: its start is the same in both strings (identical prefix).
    if (runEnd(a, i) - i !== runEnd(b, i) - i) return undefined;
    return x < y ? -1 : 1;
  }
  const lx = lowerLetter(x);
  const ly = lowerLetter(y);
  if (lx < 0 || ly < 0 || lx === ly) return undefined;
  return lx < ly ? -1 : 1;
}

/** Natural order of two names (see the module comment): negative, zero or positive. */
export function compareNames(a: string, b: string): number {
  if (a === b) return 0;
  const quick = quickOrder(a, b);
  if (quick !== undefined) return quick;
  collator ??= new Intl.Collator('en', { numeric: true });
  return collator.compare(a, b);
}
