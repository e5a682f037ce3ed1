/**
 * Command-line parsing: global options, selection of the command by its words
 * (longest match), then the command's own options and arguments. Bad usage is
 * a UsageError (exit code 2).
 */
import { UsageError } from '../errors/index.js';
import type { CommandSpec, OptionSpec, ParsedInput } from './command.js';

/** Options every command accepts. */
export interface GlobalOptions {
  root?: string;
  json: boolean;
  yes: boolean;
  debug: boolean;
  help: boolean;
  color?: boolean;
  version: boolean;
}

export const GLOBAL_OPTIONS: OptionSpec[] = [
  { name: 'root', type: 'string', description: 'root prefix relocating every path (or DISKLESS_ROOT)', valueName: 'DIR' },
  { name: 'json', type: 'boolean', description: 'print machine-readable JSON' },
  { name: 'yes', short: 'y', type: 'boolean', description: 'answer yes to confirmations' },
  { name: 'debug', type: 'boolean', description: 'show stack traces' },
  { name: 'help', short: 'h', type: 'boolean', description: 'show help' },
  { name: 'no-color', type: 'boolean', description: 'never use colour' },
  { name: 'version', type: 'boolean', description: 'print the version' },
];

/** Splits argv into global options and the remaining words. */
export function parseGlobal(argv: readonly string[]): { global: GlobalOptions; words: string[] } {
  const global: GlobalOptions = { json: false, yes: false, debug: false, help: false, version: false };
  const words: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] as string;
    if (arg === '--') {
      words.push(...argv.slice(i));
      break;
    }
    const [flag, inline] = arg.startsWith('--') ? arg.split(/=(.*)/s, 2) as [string, string | undefined] : [arg, undefined];
    if (flag === '--root') {
      const value = inline ?? argv[++i];
      if (!value) throw new UsageError('E_USAGE', '--root needs a folder', 'write --root DIR');
      global.root = value;
    } else if (flag === '--json') global.json = true;
    else if (flag === '--yes' || flag === '-y') global.yes = true;
    else if (flag === '--debug') global.debug = true;
    else if (flag === '--help' || flag === '-h') global.help = true;
    else if (flag === '--no-color') global.color = false;
    // `--version` before any command word asks for the tool's version; after one it is the
    // command's own option (`kernel add FILE --version 6.1.0-9-amd64`).
    else if (flag === '--version' && words.length === 0) global.version = true;
    else words.push(arg);
  }
  return { global, words };
}

/** Finds the command whose path is the longest prefix of `words`. */
export function selectCommand(commands: readonly CommandSpec[], words: readonly string[]): { command?: CommandSpec; remaining: string[] } {
  let best: CommandSpec | undefined;
  for (const command of commands) {
    const matches = command.path.every((word, i) => words[i] === word);
    if (matches && (!best || command.path.length > best.path.length)) best = command;
  }
  return { command: best, remaining: best ? words.slice(best.path.length) : [...words] };
}

function findOption(command: CommandSpec, flag: string): OptionSpec | undefined {
  return (command.options ?? []).find((o) => (flag.startsWith('--') ? `--${o.name}` === flag : o.short !== undefined && `-${o.short}` === flag));
}

/** Parses a command's own options and positional arguments. */
export function parseCommandInput(command: CommandSpec, words: readonly string[]): ParsedInput {
  const input: ParsedInput = { args: {}, options: {}, rest: [] };
  if (command.rawArguments) return { ...input, rest: [...words] };
  const positionals: string[] = [];
  const usage = `see \`disklessset ${command.path.join(' ')} --help\``;
  for (let i = 0; i < words.length; i += 1) {
    const word = words[i] as string;
    if (word === '--') {
      if (!command.acceptsRest) throw new UsageError('E_USAGE', `${command.path.join(' ')} takes nothing after --`, usage);
      input.rest = words.slice(i + 1);
      break;
    }
    if (word.startsWith('-') && word !== '-') {
      const [flag, inline] = word.startsWith('--') ? word.split(/=(.*)/s, 2) as [string, string | undefined] : [word, undefined];
      const option = findOption(command, flag);
      if (!option) throw new UsageError('E_USAGE', `unknown option ${flag} for ${command.path.join(' ')}`, usage);
      let value: string | boolean;
      if (option.type === 'boolean') {
        if (inline !== undefined) throw new UsageError('E_USAGE', `option --${option.name} takes no value`, usage);
        value = true;
      } else {
        const next = inline ?? words[++i];
        if (next === undefined) throw new UsageError('E_USAGE', `option --${option.name} needs a value`, usage);
        value = next;
      }
      if (option.repeatable) input.options[option.name] = [...((input.options[option.name] as string[] | undefined) ?? []), String(value)];
      else input.options[option.name] = value;
      continue;
    }
    positionals.push(word);
  }
  const specs = command.args ?? [];
  specs.forEach((spec, index) => {
    if (spec.variadic) input.args[spec.name] = positionals.slice(index);
    else input.args[spec.name] = positionals[index];
    if (spec.required && (positionals[index] === undefined)) {
      throw new UsageError('E_USAGE', `missing ${spec.name} for ${command.path.join(' ')}`, usage);
    }
  });
  if (!specs.some((s) => s.variadic) && positionals.length > specs.length) {
    throw new UsageError('E_USAGE', `unexpected argument "${positionals[specs.length]}" for ${command.path.join(' ')}`, usage);
  }
  return input;
}
