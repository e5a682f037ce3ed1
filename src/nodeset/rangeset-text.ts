/**
 * Text form of a {@link RangeSet}: parsing `1-10/2,015` and folding back to
 * ranges. Both follow ClusterShell 1.9's RangeSet rules, quirks included,
 * because users diff our output against `nodeset`.
 */
import { pyInt, pyStrip } from './python-compat.js';
import { RangeSet, checkIndexMagnitude, digitCount, indexText } from './rangeset.js';
import { BackwardsRangeFault, NodeSetFault } from './syntax-error.js';

/** ClusterShell refuses ranges of this many indexes or more. */
const MAX_RANGE_LENGTH = 1e9;

/**
 * Ranges (flat group/lo/hi triples) of `start, start+step, ... < stop`, each
 * index written with at least `pad` digits.
 */
function rangeTriples(start: number, stop: number, step: number, pad: number): number[] {
  const groupOf = (v: number) => (v < 0 ? 0 : Math.max(pad, digitCount(v)));
  const out: number[] = [];
  if (step !== 1) {
    for (let v = start; v < stop; v += step) out.push(groupOf(v), v, v);
    return out;
  }
  if (start < 0) out.push(0, start, Math.min(stop - 1, -1));
  let v = Math.max(start, 0);
  while (v < stop) {
    const group = groupOf(v);
    // Last value still written with `group` digits.
    const groupEnd = 10 ** group - 1;
    const end = Math.min(stop - 1, groupEnd);
    out.push(group, v, end);
    v = end + 1;
  }
  return out;
}

/** Parses ClusterShell range syntax (`1-5,07,10-20/2`) into a new set. */
export function parseRangeSet(pattern: string): RangeSet {
  const result = RangeSet.empty();
  for (const raw of pattern.split(',')) {
    const subrange = pyStrip(raw);
    const slash = subrange.indexOf('/');
    const baserange = slash < 0 ? subrange : subrange.slice(0, slash);
    const step = slash < 0 ? 1 : pyInt(subrange.slice(slash + 1));
    if (step === undefined) throw new NodeSetFault(subrange, 'cannot convert string to integer');
    let begin: string;
    let end: string;
    let beginSign = 1;
    let endSign = 1;
    if (!baserange.includes('-')) {
      if (step !== 1) throw new NodeSetFault(subrange, 'invalid step usage');
      begin = end = baserange;
    } else {
      // Like ClusterShell: "a-b", "-a" (one negative), "x-a-b" (negative start; x is
      // ignored), "x-a-y-b" (both negative).
      const parts = baserange.split('-').map(pyStrip);
      if (parts.length === 2) {
        [begin, end] = parts as [string, string];
        if (!begin) { begin = end; beginSign = endSign = -1; }
      } else if (parts.length === 3) {
        [, begin, end] = parts as [string, string, string];
        beginSign = -1;
      } else if (parts.length === 4) {
        [, begin, , end] = parts as [string, string, string, string];
        beginSign = endSign = -1;
      } else {
        throw new NodeSetFault(subrange, 'too many dashes in range');
      }
    }
    // Same checks, in the same order, as ClusterShell (the first failing one names the error).
    const convertFault = () => new NodeSetFault(subrange, subrange.length === 0 ? 'empty range' : 'cannot convert string to integer');
    const beginValue = pyInt(begin);
    if (beginValue === undefined) throw convertFault();
    // Padding comes from the start bound; an explicitly padded bound forces
    // both bounds to the same width.
    let pad = 0;
    let startValue: number | undefined = 0;
    if (beginValue !== 0) {
      const stripped = begin.replace(/^0+/, '');
      if (begin.length > stripped.length) pad = begin.length;
      startValue = pyInt(stripped);
    } else if (begin.length > 1) {
      pad = begin.length;
    }
    if (startValue === undefined) throw convertFault();
    const endValue = pyInt(end);
    if (endValue === undefined) throw convertFault();
    const endStripped = endValue !== 0 ? end.replace(/^0+/, '') : end;
    const endPad = end.length > endStripped.length ? end.length : 0;
    if ((pad > 0 || endPad > 0) && begin.length !== end.length) {
      throw new NodeSetFault(subrange, 'padding length mismatch');
    }
    const stopValue = pyInt(endStripped);
    if (stopValue === undefined) throw convertFault();
    if (pad > 0 && beginSign < 0) throw new NodeSetFault(subrange, 'padding not supported in negative ranges');
    const start = startValue * beginSign + 0; // + 0 turns -0 into 0
    const last = stopValue * endSign + 0;
    if (start > last && stopValue <= 1e100) throw new BackwardsRangeFault(subrange, 'range goes backwards');
    if (stopValue > 1e100 || step < 1) throw new NodeSetFault(subrange, 'invalid values in range');
    if (last + 1 - start >= MAX_RANGE_LENGTH) throw new NodeSetFault(subrange, 'range too large');
    checkIndexMagnitude(start, subrange);
    checkIndexMagnitude(last, subrange);
    result.update(RangeSet.fromOrderedRanges(rangeTriples(start, last + 1, step, pad)));
  }
  return result;
}

/**
 * The folded runs of a set, as ClusterShell prints them (`1-9`, `01-03`,
 * `10`). Mirrors its run-splitting state machine with autostep disabled,
 * including its one quirk: after a padded run the next run inherits the
 * padded state, so `n[08,10-100]` folds as `n[08,10-99,100]`.
 */
export function foldRuns(set: RangeSet): string[] {
  const out: string[] = [];
  let started = false;
  let curStart = 0;
  let curPadded = false;
  let curPad = 0;
  let curStep: number | null = null;
  let last = 0;
  const text = (v: number) => (curPadded ? indexText(curPad, v) : String(v));
  const emit = (a: number, b: number) => out.push(a === b ? text(a) : `${text(a)}-${text(b)}`);

  const visit = (idx: number, digitLen: number, padded: boolean) => {
    if (!started) {
      started = true;
      curPadded = padded; curPad = digitLen; curStart = idx; curStep = null; last = idx;
      return;
    }
    const padMismatch = curPadded ? digitLen !== curPad : padded;
    const stepMismatch = !padMismatch && curStep !== null && curStep !== idx - last;
    if (!padMismatch && !stepMismatch) {
      curStep = idx - last;
      last = idx;
      return;
    }
    if (curStep === null || curStep === 1) {
      emit(curStart, last);
      curStart = idx; curPadded = padded; curPad = digitLen;
    } else {
      const stop = padMismatch ? last + 1 : last - curStep + 1;
      for (let j = curStart; j < stop; j += curStep) emit(j, j);
      if (padMismatch) { curStart = idx; curPadded = padded; curPad = digitLen; } else curStart = last;
    }
    curStep = stepMismatch ? idx - last : null;
    last = idx;
  };

  set.forEachRange((group, lo, hi) => {
    const lengthOf = (v: number) => (group === 0 ? String(v).length : group);
    const paddedAt = (v: number) => group > 1 && digitCount(v) < group;
    visit(lo, lengthOf(lo), paddedAt(lo));
    if (hi > lo) visit(lo + 1, lengthOf(lo + 1), paddedAt(lo + 1));
    // After two consecutive indexes the machine is in a step-1 run that the
    // rest of this range can only extend.
    if (hi > lo + 1) last = hi;
  });
  if (started) {
    if (curStep === null || curStep === 1) emit(curStart, last);
    else for (let j = curStart; j <= last; j += curStep) emit(j, j);
  }
  return out;
}

/** The folded text of a set without brackets: `1-3,5,08-10`. */
export function formatRangeSet(set: RangeSet): string {
  return foldRuns(set).join(',');
}
