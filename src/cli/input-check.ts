/**
 * Reads a command line against the program before anything runs: which
 * command it names (or help, version, the menu), and every problem of its
 * input at once (unknown options with the nearest known one, missing values
 * and arguments, extra arguments), so one run names them all. Commander
 * stops at the first problem, hence this pass over its command definitions.
 */
import type { Command, Option } from 'commander';
import { UsageError } from '../errors/index.js';
import { nearestKey } from '../core/raw-options.js';
import type { CommandSpec } from './command.js';
import { findOption, type Program } from './program.js';
import { twiceProblem } from './global-options.js';

/** What a command line asks for. */
export type Resolution =
  | { kind: 'menu' }
  | { kind: 'version' }
  | { kind: 'help'; command: Command }
  | { kind: 'run'; spec: CommandSpec; words: string[] };

const isHelpFlag = (word: string): boolean => word === '--help' || word === '-h';
const isOptionWord = (word: string): boolean => word.length > 1 && word.startsWith('-');

/** The words that select `command`, e.g. `image list`. */
export function commandPath(command: Command): string {
  const words: string[] = [];
  for (let c: Command | null = command; c?.parent; c = c.parent) words.unshift(c.name());
  return words.join(' ');
}

function helpHint(command: Command): string {
  const path = commandPath(command);
  return `see \`disklessset help${path ? ` ${path}` : ''}\``;
}

function unknownOption(command: Command, word: string): string {
  const flag = word.split('=')[0] as string;
  const known = command.options.flatMap((o) => (o.long ? [o.long] : [])).concat('--help');
  const nearest = flag.startsWith('--') ? nearestKey(flag, known) : undefined;
  return `unknown option ${flag}${nearest ? ` (did you mean ${nearest}?)` : ''}`;
}

/**
 * Finds what `words` (the line without global options and without what
 * follows a bare `--`) asks for.
 * @throws UsageError E_UNKNOWN_COMMAND for a word that names no command (with the nearest one), E_USAGE for an unknown option before the command.
 */
export function resolveLine(program: Program, words: readonly string[]): Resolution {
  if (words.length === 0) return { kind: 'menu' };
  let node = program.root;
  let index = 0;
  while (index < words.length && !program.specOf.has(node)) {
    const word = words[index] as string;
    if (isHelpFlag(word)) return { kind: 'help', command: node };
    if (word === '--version' && node === program.root) return { kind: 'version' };
    if (isOptionWord(word)) throw new UsageError('E_USAGE', unknownOption(node, word), helpHint(node));
    const child = node.commands.find((c) => c.name() === word);
    if (!child) {
      const path = commandPath(node);
      const nearest = nearestKey(word, node.commands.map((c) => c.name()));
      const full = (last: string) => (path ? `${path} ${last}` : last);
      throw new UsageError('E_UNKNOWN_COMMAND', `unknown command "${full(word)}"${nearest ? `; did you mean \`${full(nearest)}\`?` : ''}`, helpHint(node));
    }
    node = child;
    index += 1;
  }
  const spec = program.specOf.get(node);
  const rest = words.slice(index);
  if (!spec || rest.some(isHelpFlag)) return { kind: 'help', command: node };
  return { kind: 'run', spec, words: rest };
}

/**
 * Every problem of a command's words (after its name), as phrases; empty
 * when commander can parse them. `afterDash` is whether a bare `--` was given.
 */
export function inputProblems(command: Command, spec: CommandSpec, words: readonly string[], afterDash: boolean): string[] {
  if (spec.rawArguments) return [];
  const problems: string[] = [];
  const operands: string[] = [];
  const given = new Map<Option, number>();
  let unknownSeen = false;
  for (let i = 0; i < words.length; i += 1) {
    const word = words[i] as string;
    if (!isOptionWord(word) || /^-\d/.test(word)) {
      operands.push(word);
      continue;
    }
    const [flag, inline] = word.startsWith('--') && word.includes('=') ? [word.slice(0, word.indexOf('=')), word.slice(word.indexOf('=') + 1)] : [word, undefined];
    const option = findOption(command, flag);
    if (!option) {
      problems.push(unknownOption(command, word));
      unknownSeen = true;
      continue;
    }
    given.set(option, (given.get(option) ?? 0) + 1);
    if (option.required && inline === undefined) {
      if (i + 1 >= words.length) problems.push(`option ${option.long} needs a value`);
      i += 1;
    } else if (!option.required && inline !== undefined) {
      problems.push(`option ${option.long} takes no value`);
    }
  }
  const args = spec.args ?? [];
  args.forEach((arg, index) => {
    if (arg.required && operands[index] === undefined) problems.push(`missing argument ${arg.name}`);
  });
  // After an unknown option its value may look like an extra argument: that one problem is enough.
  if (!unknownSeen && !args.some((a) => a.variadic) && operands.length > args.length) {
    problems.push(`unexpected argument "${operands[args.length]}"`);
  }
  for (const option of command.options) {
    if (option.mandatory && !given.has(option)) problems.push(`missing option ${option.flags}`);
  }
  // Commander keeps the last value of an option given twice: which one was meant is unknown, so ask.
  for (const [option, count] of given) {
    const repeatable = spec.options?.some((o) => `--${o.name}` === option.long && o.repeatable);
    if (count > 1 && option.required && !repeatable) problems.push(twiceProblem(option.long ?? option.flags));
  }
  if (afterDash && !spec.acceptsRest) problems.push('nothing may follow --');
  return problems;
}

/**
 * Checks the words given to `command` against its spec (operands, mandatory
 * options, `--`), and reports every problem at once.
 * @throws UsageError E_USAGE naming every problem, with the command's help as the hint.
 */
export function checkInput(command: Command, spec: CommandSpec, words: readonly string[], afterDash: boolean): void {
  const problems = inputProblems(command, spec, words, afterDash);
  if (problems.length === 0) return;
  throw new UsageError('E_USAGE', `${commandPath(command)}: ${problems.join('; ')}`, helpHint(command));
}
