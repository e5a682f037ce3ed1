/**
 * The few pieces of Python string semantics that ClusterShell's parser relies
 * on. Reproducing them exactly is what keeps our output byte-identical to
 * `nodeset` on odd inputs (stray whitespace, `+3`, `1_0`, astral characters).
 */

// Python's str.isspace() set, which strip() uses; JavaScript's trim() differs
// (it strips U+FEFF but keeps U+001C..U+001F).
const PY_WHITESPACE = new Set(
  ' \t\n\r\u000b\u000c\u001c\u001d\u001e\u001f\u0085\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006'
  + '\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000',
);

/** True for a character Python's `str.strip()` removes. */
export function isPyWhitespace(ch: string): boolean {
  return PY_WHITESPACE.has(ch);
}

/** Python `s.lstrip()`. */
export function pyLstrip(s: string): string {
  let i = 0;
  while (i < s.length && PY_WHITESPACE.has(s[i] as string)) i++;
  return i === 0 ? s : s.slice(i);
}

/** Python `s.rstrip()`. */
export function pyRstrip(s: string): string {
  let j = s.length;
  while (j > 0 && PY_WHITESPACE.has(s[j - 1] as string)) j--;
  return j === s.length ? s : s.slice(0, j);
}

/** Python `s.strip()`. */
export function pyStrip(s: string): string {
  return pyRstrip(pyLstrip(s));
}

/**
 * Python `int(s)` for ASCII input: surrounding whitespace, an optional sign,
 * digits with single underscores between them. Returns undefined where Python
 * raises ValueError. Values beyond 2^53 come back approximate; callers reject
 * them before they become node indexes.
 */
export function pyInt(s: string): number | undefined {
  const text = pyStrip(s);
  const match = /^([+-]?)([0-9](?:_?[0-9])*)$/.exec(text);
  if (!match) return undefined;
  const value = Number((match[2] as string).replace(/_/g, ''));
  return match[1] === '-' ? -value : value;
}

// Line boundaries of Python's str.splitlines() besides \r\n.
const LINE_BREAKS = new Set('\n\r\u000b\u000c\u001c\u001d\u001e\u0085\u2028\u2029');

/** Python `str.splitlines()` (without keepends). */
export function pySplitLines(s: string): string[] {
  const lines: string[] = [];
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (!LINE_BREAKS.has(c)) continue;
    lines.push(s.slice(start, i));
    if (c === '\r' && s[i + 1] === '\n') i++;
    start = i + 1;
  }
  // Python yields no trailing empty item after a final line break.
  if (start < s.length) lines.push(s.slice(start));
  return lines;
}

/**
 * Orders strings by code point like Python does; JavaScript's `<` compares
 * UTF-16 units, which puts astral characters before U+E000..U+FFFF.
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800) x += x >= 0xe000 ? -0x800 : 0x2000;
    if (y >= 0xd800) y += y >= 0xe000 ? -0x800 : 0x2000;
    return x - y;
  }
  return a.length - b.length;
}
