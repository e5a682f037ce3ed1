/**
 * Building a node set from a long list of names (`fromNodes`, folding a
 * node list). The common name with one number in it (`node042`,
 * `node7-ib`) is accumulated as plain numbers per pattern and sorted once,
 * which keeps folding a million names near-linear; anything else takes the
 * full parser. Both give what ClusterShell's `NodeSet.fromlist` gives:
 * union is order-independent for one-dimensional patterns, and other names
 * are applied in their original order.
 */
import { isPyWhitespace } from './python-compat.js';
import { PatternTable } from './pattern-table.js';
import { parseTable } from './parse.js';
import { RangeSet, checkIndexMagnitude } from './rangeset.js';

/** Pattern -> digit count -> values seen. */
type Accumulator = Map<string, Map<number, number[]>>;

// Characters that need the full parser: operators, brackets, groups, wildcards, '%'.
function needsParser(code: number): boolean {
  return code === 44 || code === 33 || code === 38 || code === 94 || code === 91 || code === 93
    || code === 64 || code === 42 || code === 63 || code === 37;
}

/**
 * Position of the only digit run of `name` as [start, end), or undefined when
 * the name has none, several, or needs the full parser.
 */
function singleDigitRun(name: string): [number, number] | undefined {
  if (name.length === 0) return undefined;
  const firstCode = name.charCodeAt(0);
  const lastCode = name.charCodeAt(name.length - 1);
  // Only look up the (rare) whitespace characters when the code could be one.
  if ((firstCode <= 32 || firstCode >= 0x85) && isPyWhitespace(name[0] as string)) return undefined;
  if ((lastCode <= 32 || lastCode >= 0x85) && isPyWhitespace(name[name.length - 1] as string)) return undefined;
  let start = -1;
  let end = -1;
  for (let i = 0; i < name.length; i++) {
    const code = name.charCodeAt(i);
    if (code >= 48 && code <= 57) {
      if (end >= 0 && end !== i) return undefined; // a second digit run
      if (start < 0) start = i;
      end = i + 1;
    } else if (needsParser(code)) {
      return undefined;
    }
  }
  return start < 0 ? undefined : [start, end];
}

function valuesFor(acc: Accumulator, pattern: string, group: number): number[] {
  let groups = acc.get(pattern);
  if (!groups) { groups = new Map(); acc.set(pattern, groups); }
  let values = groups.get(group);
  if (!values) { values = []; groups.set(group, values); }
  return values;
}

/**
 * The pattern table of the union of `names` (each may be any node set
 * string), or `into` united with them (changed in place and returned).
 */
export function tableFromNames(names: Iterable<string>, into = new PatternTable()): PatternTable {
  const table = into;
  const acc: Accumulator = new Map();
  let lastHead = '';
  let lastTail = '';
  let lastGroup = -1;
  let lastValues: number[] | undefined;
  for (const name of names) {
    const run = singleDigitRun(name);
    if (!run) {
      table.update(parseTable(name));
      continue;
    }
    const [start, end] = run;
    const group = end - start;
    let value = 0;
    if (group <= 15) {
      for (let i = start; i < end; i++) value = value * 10 + (name.charCodeAt(i) - 48);
    } else {
      value = Number(name.slice(start, end));
      checkIndexMagnitude(value, name);
    }
    // Consecutive names usually share their pattern: compare in place before slicing.
    const samePattern = lastValues !== undefined && group === lastGroup && start === lastHead.length
      && name.length - end === lastTail.length && name.startsWith(lastHead) && name.endsWith(lastTail);
    if (!samePattern) {
      lastHead = name.slice(0, start);
      lastTail = name.slice(end);
      lastGroup = group;
      lastValues = valuesFor(acc, `${lastHead}%s${lastTail}`, group);
    }
    (lastValues as number[]).push(value);
  }
  for (const [pattern, groups] of acc) {
    const indexes = RangeSet.empty();
    for (const group of [...groups.keys()].sort((a, b) => a - b)) {
      indexes.update(RangeSet.fromValues(group, groups.get(group) as number[]));
    }
    table.add(pattern, indexes, false);
  }
  return table;
}
