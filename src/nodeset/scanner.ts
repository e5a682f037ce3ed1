/**
 * Splits a node set string into terms: `node[1-4]!node2,rack1-n[1-2]` gives
 * (union, `node%s`, [1-4]), (difference, `node%s`, [2]), (union, `rack%s-n%s`,
 * [1], [1-2]). A pattern keeps literal text with `%` doubled and one `%s` per
 * index position, exactly ClusterShell's internal pattern, because patterns
 * are printed in the sort order of that form.
 *
 * The scanning rules (where brackets may open and close, how digits glued to
 * a bracket extend its range, when an operand is missing) follow ClusterShell
 * 1.9 so that we accept and reject the same inputs.
 */
import { pyLstrip, pyRstrip } from './python-compat.js';
import { RangeSet, checkIndexMagnitude } from './rangeset.js';
import { foldRuns, parseRangeSet } from './rangeset-text.js';
import { BackwardsRangeFault, NodeSetFault } from './syntax-error.js';

/** How a term combines with what precedes it. */
export type SetOperation = 'union' | 'difference' | 'intersection' | 'symmetricDifference';

const OPERATORS: Record<string, SetOperation> = {
  ',': 'union', '!': 'difference', '&': 'intersection', '^': 'symmetricDifference',
};

/** One operand of a node set string. */
export interface Term {
  operation: SetOperation;
  pattern: string;
  rangeSets: RangeSet[];
}

/** A name without brackets split into its pattern and one index per digit run. */
export interface SingleName {
  pattern: string;
  rangeSets: RangeSet[];
}

function nextOperator(s: string): number {
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === ',' || c === '!' || c === '&' || c === '^') return i;
  }
  return -1;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** Scans a name without brackets: every digit run becomes a one-index dimension. */
function scanSingle(name: string): SingleName {
  if (name === '') throw new NodeSetFault(name, 'parse error');
  let pattern = '';
  const rangeSets: RangeSet[] = [];
  let i = 0;
  while (i < name.length) {
    const textStart = i;
    while (i < name.length && !isDigit(name.charCodeAt(i))) i++;
    const digitStart = i;
    while (i < name.length && isDigit(name.charCodeAt(i))) i++;
    pattern += name.slice(textStart, digitStart);
    if (i > digitStart) {
      const digits = name.slice(digitStart, i);
      const value = Number(digits);
      checkIndexMagnitude(value, digits);
      pattern += '%s';
      rangeSets.push(RangeSet.single(digits.length, value));
    }
  }
  return { pattern, rangeSets };
}

/** Digits right after `]` extend the range: `n[1-2]0` is n10,n20 (ClusterShell syntax). */
function amendTrailingDigits(outer: string, inner: string): [string, string] {
  const stripped = outer.replace(/^[0-9]+/, '');
  if (stripped.length === outer.length) return [outer, inner];
  if (inner.includes('/')) throw new NodeSetFault(outer, 'illegal trailing digits after range with steps');
  const digits = outer.slice(0, outer.length - stripped.length);
  const amended = inner.split(',')
    .map((elem) => elem.split('-').map((bound) => bound + digits).join('-'))
    .map((elem) => (elem.includes('-') ? `${elem}/1${'0'.repeat(digits.length)}` : elem))
    .join(',');
  return [stripped, amended];
}

/** Digits right before `[` prefix the range: `n1[0-2]` is n10,n11,n12. */
function amendLeadingDigits(outer: string, inner: string): [string, string] {
  const stripped = outer.replace(/[0-9]+$/, '');
  if (stripped.length === outer.length) return [outer, inner];
  const digits = outer.slice(stripped.length);
  const amended = foldRuns(rangeSetOf(inner))
    .map((run) => run.split('-').map((bound) => digits + bound).join('-'))
    .join(',');
  return [stripped, amended];
}

function rangeSetOf(text: string): RangeSet {
  try {
    return parseRangeSet(text);
  } catch (error) {
    if (error instanceof NodeSetFault && !(error instanceof BackwardsRangeFault)) throw new NodeSetFault(error.part, `bad range: ${error.message}`);
    throw error;
  }
}

/** Scans the bracketed part of a term starting at `text`; returns the term and the rest. */
function scanBracketed(text: string): { pattern: string; rangeSets: RangeSet[]; rest: string | null; operator: string | null } {
  let pattern = '';
  const rangeSets: RangeSet[] = [];
  let sfx = text;
  let bracket = text.indexOf('[');
  let op = nextOperator(text);
  while (bracket >= 0 && (op > bracket || op < 0)) {
    const open = sfx.indexOf('[');
    let pfx = sfx.slice(0, open);
    sfx = sfx.slice(open + 1);
    const close = sfx.indexOf(']');
    if (close < 0) throw new NodeSetFault(text, 'missing bracket');
    let range = sfx.slice(0, close);
    sfx = sfx.slice(close + 1);
    if (pfx.includes(']')) throw new NodeSetFault(pfx, 'illegal closing bracket');
    if (sfx.length > 0) {
      const braEnd = sfx.indexOf(']');
      let braStart = sfx.indexOf('[');
      if (braStart === -1) braStart = braEnd + 1;
      if (braEnd >= 0 && braEnd < braStart) throw new NodeSetFault(sfx, 'illegal closing bracket');
    }
    const hadPrefix = pfx.length > 0;
    if (sfx.length > 0) [sfx, range] = amendTrailingDigits(sfx, range);
    if (hadPrefix) {
      [pfx, range] = amendLeadingDigits(pfx, range);
      if (pfx) {
        const single = scanSingle(pfx);
        pfx = single.pattern;
        rangeSets.push(...single.rangeSets);
      }
    }
    bracket = sfx.indexOf('[');
    op = nextOperator(sfx);
    if (sfx.length > 0 && sfx[0] === '[') throw new NodeSetFault(sfx, 'illegal reopening bracket');
    pattern += `${pfx}%s`;
    rangeSets.push(rangeSetOf(range));
  }
  op = nextOperator(sfx);
  let rest: string | null = null;
  let operator: string | null = null;
  if (op >= 0) {
    operator = sfx[op] as string;
    rest = sfx.slice(op + 1);
    sfx = sfx.slice(0, op);
    if (!rest) throw new NodeSetFault(null, `missing node set operand with '${operator}' operator`);
  }
  const tail = pyRstrip(sfx);
  if (tail) {
    const single = scanSingle(tail);
    pattern += single.pattern;
    rangeSets.push(...single.rangeSets);
  }
  return { pattern, rangeSets, rest, operator };
}

/** Scans a whole (stripped, `%`-doubled) node set string into its terms, left to right. */
export function scanTerms(input: string): Term[] {
  const terms: Term[] = [];
  let rest: string | null = input;
  let operation: SetOperation = 'union';
  while (rest) {
    const text = pyLstrip(rest);
    const op = nextOperator(text);
    const bracket = text.indexOf('[');
    const current = operation;
    if (bracket >= 0 && (op > bracket || op < 0)) {
      const scanned = scanBracketed(text);
      terms.push({ operation: current, pattern: scanned.pattern, rangeSets: scanned.rangeSets });
      rest = scanned.rest;
      if (scanned.operator !== null) operation = OPERATORS[scanned.operator] as SetOperation;
      continue;
    }
    let node: string;
    if (op < 0) {
      node = text;
      rest = null;
    } else {
      const operator = text[op] as string;
      node = text.slice(0, op);
      rest = text.slice(op + 1);
      if (!node || !rest) throw new NodeSetFault(node || rest, `missing node set operand with '${operator}' operator`);
      operation = OPERATORS[operator] as SetOperation;
    }
    if (node.includes(']')) throw new NodeSetFault(node, 'illegal closing bracket');
    const single = scanSingle(pyRstrip(node));
    terms.push({ operation: current, pattern: single.pattern, rangeSets: single.rangeSets });
  }
  return terms;
}
