/**
 * `Range: bytes=...` parsing (RFC 9110 §14). Only what a download needs:
 * a single satisfiable range is served as 206; several ranges are answered
 * with the whole file (200), which the RFC allows and which every boot
 * client (iPXE, dracut's curl) handles; no satisfiable range means 416,
 * except on an empty file, which is answered whole (200, empty body).
 */

/** Inclusive byte range. */
export interface ByteRange {
  start: number;
  end: number;
}

/** What to do with a Range header. */
export type RangeDecision =
  | { kind: 'full' }
  | { kind: 'partial'; range: ByteRange }
  | { kind: 'unsatisfiable' };

/** More ranges than this in one header are ignored (a cheap denial-of-service guard). */
const MAX_RANGES = 64;

/**
 * Decides how to answer `header` for a file of `size` bytes. A header that is
 * absent, malformed or not in bytes is ignored (full answer), as RFC 9110 asks.
 */
export function decideRange(header: string | undefined, size: number): RangeDecision {
  // An empty file has no byte a range could select: RFC 9110 §14.2 lets the
  // server ignore Range, and nginx answers 200 with the empty body; 416 would
  // make a client that always sends Range fail on an empty script.
  if (header === undefined || size === 0) return { kind: 'full' };
  const match = /^\s*bytes\s*=\s*(.+)$/i.exec(header);
  if (!match?.[1]) return { kind: 'full' };
  const specs = match[1].split(',').map((spec) => spec.trim()).filter((spec) => spec !== '');
  if (specs.length === 0 || specs.length > MAX_RANGES) return { kind: 'full' };
  const satisfiable: ByteRange[] = [];
  for (const spec of specs) {
    const parsed = /^(\d*)\s*-\s*(\d*)$/.exec(spec);
    if (!parsed) return { kind: 'full' };
    const [, first = '', last = ''] = parsed;
    if (first === '' && last === '') return { kind: 'full' };
    if (first === '') {
      // Suffix range: the last N bytes.
      const length = Number(last);
      if (length > 0 && size > 0) satisfiable.push({ start: Math.max(0, size - length), end: size - 1 });
      continue;
    }
    const start = Number(first);
    const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
    if (last !== '' && Number(last) < start) return { kind: 'full' };
    if (start < size) satisfiable.push({ start, end });
  }
  if (satisfiable.length === 0) return { kind: 'unsatisfiable' };
  if (satisfiable.length > 1) return { kind: 'full' };
  return { kind: 'partial', range: satisfiable[0] as ByteRange };
}
