/**
 * The strict, bounded reading of node sets that commands changing state
 * (boot set/unset, NFS node add/remove, the API's /boot routes) use before
 * the ClusterShell parser runs.
 *
 * Why a second reading: ClusterShell is lenient. `n[36-40-44]` silently
 * means "from -40 to 44" and `n[-1-2]` holds negative indexes; `nodeset -f`
 * must keep that behaviour byte for byte, but a typo must not write 85 node
 * scripts. And the parser materialises stepped ranges index by index, so
 * the size has to be known from the text alone, before anything is built:
 * `n[1-999999999]` is refused in microseconds, not after the heap is gone.
 */
import { UsageError } from '../errors/index.js';
import { NODESET_SYNTAX, backwardsRangeError } from './syntax-error.js';

/**
 * Most nodes one node set may hold in a command or API call that changes or
 * reads boot state. Far above any real cluster's partition, far below what
 * would exhaust memory (each node costs a file and a few hundred bytes).
 */
export const MAX_NODESET_SIZE = 100_000;

const OPERATORS = new Set([',', '!', '&', '^']);
/** One range element: `7`, `1-10`, `001-100/2`. Nothing else (no sign, no space). */
const ELEMENT = /^(\d+)(?:-(\d+)(?:\/(\d+))?)?$/;

/** The text as shown in a message: long input is cut so a line stays one line. */
function shown(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 77)}...` : text);
}

function syntaxError(text: string, reason: string): UsageError {
  return new UsageError(NODESET_SYNTAX, `invalid node set ${shown(text)}: ${reason}`,
    'write node sets like node[01-10,12],rack[1-2]-n[1-4]: ranges are a-b or a-b/step with a <= b, no signs or spaces');
}

/** Number of indexes a bracket's content stands for (ranges counted as written). */
function bracketCount(text: string, content: string): number {
  let total = 0;
  for (const element of content.split(',')) {
    const match = ELEMENT.exec(element);
    if (!match) throw syntaxError(text, `bad range "${element}" in [${content}]`);
    const low = Number(match[1]);
    const high = match[2] === undefined ? low : Number(match[2]);
    const step = match[3] === undefined ? 1 : Number(match[3]);
    if (high < low) throw backwardsRangeError(text, element);
    if (step < 1) throw syntaxError(text, `range "${element}" has a step below 1`);
    total += Math.floor((high - low) / step) + 1;
  }
  return total;
}

/**
 * Checks `text` strictly and returns how many nodes it describes, counted
 * as written: each term of a union, difference, intersection or symmetric
 * difference adds its nodes, so the real set is never larger. Runs in time
 * linear in the text and allocates nothing per node.
 * @throws UsageError `E_NODESET_SYNTAX` for a malformed bracket, a range
 *   with a sign, a backwards range, a nested or unclosed bracket, or an
 *   empty term; `E_NODESET_TOO_LARGE` above {@link MAX_NODESET_SIZE}.
 */
export function checkStrictNodeSet(text: string): number {
  let total = 0;
  let term = 1;
  let termLength = 0;
  let i = 0;
  const endTerm = () => {
    if (termLength === 0) throw syntaxError(text, 'a node is missing around an operator (,!&^)');
    total += term;
    term = 1;
    termLength = 0;
  };
  while (i < text.length) {
    const char = text[i] as string;
    if (OPERATORS.has(char)) {
      endTerm();
      i += 1;
      continue;
    }
    if (char === ']') throw syntaxError(text, 'a "]" closes no bracket');
    if (char === '[') {
      const close = text.indexOf(']', i + 1);
      if (close < 0) throw syntaxError(text, 'a "[" is never closed');
      const content = text.slice(i + 1, close);
      if (content.includes('[')) throw syntaxError(text, 'brackets cannot be nested');
      if (text[close + 1] === '[') throw syntaxError(text, 'two brackets follow each other; put text between them');
      term *= bracketCount(text, content);
      i = close + 1;
    } else {
      i += 1;
    }
    termLength += 1;
  }
  endTerm();
  if (total > MAX_NODESET_SIZE) {
    throw new UsageError('E_NODESET_TOO_LARGE',
      `node set ${shown(text)} holds ${total > 1e15 ? 'over 10^15' : total} nodes, more than the limit of ${MAX_NODESET_SIZE}`,
      `split it into sets of at most ${MAX_NODESET_SIZE} nodes`);
  }
  return total;
}
