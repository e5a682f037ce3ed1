/**
 * `disklessset nodeset -f|-e|-c ARGS...`: ClusterShell's `nodeset` command
 * for folding, expanding and counting. Several arguments are united; the
 * `-x SET`, `-i SET` and `-X SET` exclude, intersect and xor: given before the
 * first node set they apply first, after it they apply in order, as in `nodeset`.
 * Output is what `nodeset` prints to stdout.
 */
import { UsageError } from '../errors/index.js';
import { tableFromNames } from './bulk.js';
import { NodeSet } from './nodeset.js';
import { PatternTable } from './pattern-table.js';
import { parseTable } from './parse.js';
import { isPyWhitespace, pySplitLines } from './python-compat.js';
import { NodeSetFault, withSyntaxErrors } from './syntax-error.js';

type Command = 'fold' | 'expand' | 'count';
type Operation = 'intersection' | 'exclude' | 'xor';

const COMMANDS: Record<string, Command> = {
  '-f': 'fold', '--fold': 'fold', '-e': 'expand', '--expand': 'expand', '-c': 'count', '--count': 'count',
};
const OPERATIONS: Record<string, Operation> = {
  '-i': 'intersection', '--intersection': 'intersection', '-x': 'exclude', '--exclude': 'exclude',
  '-X': 'xor', '--xor': 'xor',
};

const USAGE_HINT = 'usage: disklessset nodeset -f|-e|-c [-x SET] [-i SET] [-X SET] NODESET...';

function usage(message: string): UsageError {
  return new UsageError('E_NODESET_USAGE', message, USAGE_HINT);
}

function apply(target: PatternTable, operation: Operation | 'union', operand: PatternTable): void {
  if (operation === 'union') target.update(operand);
  else if (operation === 'intersection') target.intersectionUpdate(operand);
  else if (operation === 'exclude') target.differenceUpdate(operand);
  else target.symmetricDifferenceUpdate(operand);
}

/** Like {@link apply}, but an empty standard input changes nothing (as in nodeset). */
function applyStdin(target: PatternTable, operation: Operation | 'union', operand: PatternTable): void {
  if (operand.entries.size > 0) apply(target, operation, operand);
}

/** An argument: its lines united, as `nodeset` reads a multi-line argument. */
function argumentTable(arg: string): PatternTable {
  return withSyntaxErrors(arg, () => tableFromNames(pySplitLines(arg)));
}

/**
 * The names of the node set arguments from `operands[start]` on that are
 * plain unions of one line each (no operator option, no `-`, no line break),
 * one name per argument; empty when the first is not one.
 */
function singleLineRun(operands: string[], start: number): string[] {
  const names: string[] = [];
  for (let k = start; k < operands.length; k++) {
    const arg = operands[k] as string;
    if (OPERATIONS[arg] || arg === '-') break;
    const lines = pySplitLines(arg);
    if (lines.length !== 1) break;
    names.push(lines[0] as string);
  }
  return names;
}

/**
 * Unites a run of single-line arguments (`names`, from `operands[start]`) into
 * `result` in one pass. Uniting them one by one re-merged the growing result
 * for each argument: quadratic with thousands of arguments. The union is the
 * same: one-dimensional indexes are a set whatever the order, and the other
 * names are still applied in order (see bulk.ts).
 */
function uniteArguments(result: PatternTable, operands: string[], start: number, names: string[]): void {
  try {
    tableFromNames(names, result);
  } catch (error) {
    if (!(error instanceof NodeSetFault)) throw error;
    // Name the argument at fault, as uniting them one by one does.
    for (let k = start; k < start + names.length; k++) argumentTable(operands[k] as string);
    throw error;
  }
}

/**
 * Standard input as `nodeset` reads it: words separated by whitespace, `#`
 * starts a comment. (Like `nodeset`, a line without `#` loses its last
 * character, normally its newline.)
 */
function stdinTable(stdin: string): PatternTable {
  const words: string[] = [];
  let start = 0;
  // Next '#' in the text, searched again only once passed (searching per line is quadratic).
  let hash = stdin.indexOf('#');
  while (start < stdin.length) {
    const newline = stdin.indexOf('\n', start);
    const lineEnd = newline < 0 ? stdin.length : newline + 1;
    if (hash >= 0 && hash < start) hash = stdin.indexOf('#', start);
    const end = hash >= 0 && hash < lineEnd ? hash : lineEnd - 1;
    splitWords(stdin, start, end, words);
    start = lineEnd;
  }
  return withSyntaxErrors('(standard input)', () => tableFromNames(words));
}

function isSpace(text: string, i: number): boolean {
  const code = text.charCodeAt(i);
  if (code < 0x80) return code === 32 || (code >= 9 && code <= 13) || (code >= 28 && code <= 31);
  return isPyWhitespace(text[i] as string);
}

/** Python's `str.split()` of text[start, end), appended to `words`. */
function splitWords(text: string, start: number, end: number, words: string[]): void {
  let i = start;
  while (i < end) {
    while (i < end && isSpace(text, i)) i++;
    const wordStart = i;
    while (i < end && !isSpace(text, i)) i++;
    if (i > wordStart) words.push(text.slice(wordStart, i));
  }
}

/**
 * Runs `nodeset` with `args` (e.g. `['-f', 'n[1-3]', 'n5']`) and returns its
 * standard output, newline included. `stdin` is read when no node set
 * argument is given or an argument is `-`.
 * @throws UsageError `E_NODESET_USAGE` for bad options, `E_NODESET_SYNTAX` for a bad node set.
 */
export function runNodesetCommand(args: string[], stdin?: string): string {
  let command: Command | undefined;
  const early: Array<[Operation, string]> = [];
  const operands: string[] = [];
  for (let k = 0; k < args.length; k++) {
    const arg = args[k] as string;
    if (arg === '--') { for (let j = k + 1; j < args.length; j++) operands.push(args[j] as string); break; }
    if (COMMANDS[arg]) {
      if (command) throw usage('Multiple commands not allowed.');
      command = COMMANDS[arg];
    } else if (OPERATIONS[arg]) {
      const value = args[++k];
      if (value === undefined) throw usage(`option ${arg} needs a node set argument`);
      early.push([OPERATIONS[arg] as Operation, value]);
    } else if (arg.startsWith('-') && arg !== '-') {
      throw usage(`unknown option ${arg}`);
    } else {
      // Like nodeset, options end at the first node set; later -x/-i/-X apply in order.
      for (let j = k; j < args.length; j++) operands.push(args[j] as string);
      break;
    }
  }
  if (!command) throw usage('No command specified.');
  const readStdin = (): PatternTable => {
    if (stdin === undefined) throw usage('no node set given (and no standard input to read)');
    return stdinTable(stdin);
  };

  const result = new PatternTable();
  if (operands.length === 0) applyStdin(result, 'union', readStdin());
  // Like nodeset: intersections, then exclusions, then xors given as options come first.
  for (const wanted of ['intersection', 'exclude', 'xor'] as const) {
    for (const [operation, value] of early) {
      if (operation !== wanted) continue;
      if (value === '-') applyStdin(result, operation, readStdin());
      else apply(result, operation, withSyntaxErrors(value, () => parseTable(value)));
    }
  }
  for (let k = 0; k < operands.length; k++) {
    const arg = operands[k] as string;
    const operation = OPERATIONS[arg];
    if (operation) {
      const value = operands[++k];
      if (value === undefined) throw usage(`${arg} needs a node set argument`);
      if (value === '-') applyStdin(result, operation, readStdin());
      else apply(result, operation, argumentTable(value));
    } else if (arg === '-') {
      applyStdin(result, 'union', readStdin());
    } else {
      const names = singleLineRun(operands, k);
      if (names.length === 0) apply(result, 'union', argumentTable(arg));
      else { uniteArguments(result, operands, k, names); k += names.length - 1; }
    }
  }

  const set = NodeSet.wrap(result);
  if (command === 'fold') return `${set.fold()}\n`;
  if (command === 'expand') return `${set.expand().join(' ')}\n`;
  return `${set.count}\n`;
}
