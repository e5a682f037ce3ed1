/**
 * The commander program built from the command specs (core, built-in and
 * module commands alike): one commander command per word of a spec's path,
 * so `disklessset image list` is the `list` command of the `image` group.
 * Help, parsing and the man page all come from this one tree.
 */
import { Argument, Command, CommanderError, Help, Option } from 'commander';
import { UsageError } from '../errors/index.js';
import type { CommandSpec, OptionSpec, ParsedInput } from './command.js';
import { GLOBAL_OPTIONS, toOption } from './global-options.js';

/** Heading of the global options in each command's help. */
const GLOBAL_HEADING = 'Global options:';

/** What {@link buildProgram} needs besides the commands. */
export interface ProgramSettings {
  /** Columns help is wrapped to. */
  helpWidth: number;
  /** Summary of a noun that is a module's name (`livenet` → its description). */
  groupSummaries?: ReadonlyMap<string, string>;
}

/** The built program and the spec behind each of its leaf commands. */
export interface Program {
  root: Command;
  specOf: Map<Command, CommandSpec>;
}

/** Argument as commander writes it: `<NAME>`, `[NAME]`, `<NODES...>`. */
function toArgument(spec: NonNullable<CommandSpec['args']>[number]): Argument {
  const name = `${spec.name}${spec.variadic ? '...' : ''}`;
  return new Argument(spec.required ? `<${name}>` : `[${name}]`, spec.description ?? '');
}

function addGlobalOptions(command: Command, own: readonly OptionSpec[]): void {
  command.addHelpOption(new Option('-h, --help', 'show this help').helpGroup(GLOBAL_HEADING));
  for (const spec of GLOBAL_OPTIONS) {
    if (own.some((o) => o.name === spec.name || (spec.short && o.short === spec.short))) continue;
    command.addOption(toOption(spec).helpGroup(GLOBAL_HEADING));
  }
}

function groupSummary(group: Command): string {
  const words = group.commands.filter((c) => !(c as unknown as { _hidden: boolean })._hidden).map((c) => c.name());
  return `commands: ${words.join(', ')}`;
}

/** An example command line indented by 2, continued with ` \\` on further lines (indented by 4) to fit `width`. */
function exampleLines(line: string, width: number): string {
  const lines: string[] = [];
  let current = '  ';
  for (const word of line.split(' ')) {
    if (current.trim() && current.length + word.length + 3 > width) {
      lines.push(`${current} \\`);
      current = '    ';
    }
    current += current.trim() ? ` ${word}` : word;
  }
  return [...lines, current].join('\n');
}

/**
 * Builds the program. Every command accepts the global options wherever they
 * appear; the program itself also takes `--version` (only before the first
 * command word: after it, `--version` is that command's own option).
 */
export function buildProgram(commands: readonly CommandSpec[], settings: ProgramSettings): Program {
  const specOf = new Map<Command, CommandSpec>();
  const root = new Command('disklessset')
    .description('Diskless-node image manager: livenet and NFS images, kernels, network boot.')
    .usage('[global options] COMMAND [options] [arguments]')
    .enablePositionalOptions()
    .exitOverride()
    .helpCommand(false)
    .configureOutput({ writeOut: () => {}, writeErr: () => {}, outputError: () => {} })
    .configureHelp({
      helpWidth: settings.helpWidth,
      // Name and arguments only: every command takes options, "[options]" on each line says nothing.
      subcommandTerm: (command) => [command.name(), ...command.registeredArguments.map((a) => {
        const name = `${a.name()}${a.variadic ? '...' : ''}`;
        return a.required ? name : `[${name}]`;
      })].join(' '),
      // The example is part of the help text itself (not printed around it), so `help X` and the tests see it.
      formatHelp: (command, helper) => {
        const example = specOf.get(command)?.example;
        const text = example ? `\nExample:\n${exampleLines(`disklessset ${example}`, settings.helpWidth)}\n` : '';
        return `${Help.prototype.formatHelp.call(helper, command, helper)}${text}`;
      },
    });
  addGlobalOptions(root, []);
  root.option('--version', 'print the version of disklessset and Node.js');
  const groups: Command[] = [];
  for (const spec of commands) {
    let parent = root;
    for (const word of spec.path.slice(0, -1)) {
      let group = parent.commands.find((c) => c.name() === word);
      if (!group) {
        group = parent.command(word).usage('COMMAND [options] [arguments]').helpCommand(false);
        addGlobalOptions(group, []);
        groups.push(group);
      }
      parent = group;
    }
    const leaf = parent.command(spec.path.at(-1) as string, { hidden: spec.hidden }).description(spec.summary);
    for (const arg of spec.args ?? []) leaf.addArgument(toArgument(arg));
    for (const option of spec.options ?? []) leaf.addOption(toOption(option));
    addGlobalOptions(leaf, spec.options ?? []);
    if (spec.acceptsRest) leaf.usage(`${leaf.usage()} [-- COMMAND...]`);
    if (spec.rawArguments) leaf.usage('[arguments...]').allowUnknownOption().allowExcessArguments();
    leaf.action(() => {});
    specOf.set(leaf, spec);
  }
  for (const group of groups) group.description(settings.groupSummaries?.get(group.name()) ?? groupSummary(group));
  return { root, specOf };
}

/** The spec's options as `ParsedInput.options` holds them: keyed by the spec's option name. */
function optionValues(command: Command, spec: CommandSpec): ParsedInput['options'] {
  const values = command.opts<Record<string, string | boolean | string[] | undefined>>();
  const options: ParsedInput['options'] = {};
  for (const option of spec.options ?? []) {
    const commanderOption = command.options.find((o) => o.long === `--${option.name}`);
    const value = commanderOption ? values[commanderOption.attributeName()] : undefined;
    if (value !== undefined) options[option.name] = value;
  }
  return options;
}

/**
 * Parses `words` (the command line without the global options and without
 * what follows a bare `--`) with commander and returns the chosen command
 * and its input. The line must have been checked (see input-check.ts):
 * a problem commander still finds is a UsageError E_USAGE.
 */
export function parseLine(program: Program, words: readonly string[], rest: readonly string[]): { spec: CommandSpec; input: ParsedInput } {
  let chosen: Command | undefined;
  for (const leaf of program.specOf.keys()) leaf.action((...params: unknown[]) => { chosen = params.at(-1) as Command; });
  try {
    program.root.parse([...words], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) throw new UsageError('E_USAGE', error.message.replace(/^error: /, ''), 'see `disklessset help`');
    throw error;
  }
  const spec = chosen && program.specOf.get(chosen);
  if (!chosen || !spec) throw new UsageError('E_USAGE', 'no command given', 'see `disklessset help`');
  const args: ParsedInput['args'] = {};
  (spec.args ?? []).forEach((arg, index) => {
    const value = chosen?.processedArgs[index] as string | string[] | undefined;
    args[arg.name] = arg.variadic ? (value ?? []) : value;
  });
  return { spec, input: { args, options: optionValues(chosen, spec), rest: [...rest] } };
}

/** The commander command of `spec` in `program`. */
export function commandOf(program: Program, spec: CommandSpec): Command {
  for (const [command, candidate] of program.specOf) if (candidate === spec) return command;
  throw new Error(`command ${spec.path.join(' ')} is not in the program`);
}

/** The option of `command` that `flag` (`--name` or `-n`) names. */
export function findOption(command: Command, flag: string): Option | undefined {
  return command.options.find((o) => o.long === flag || o.short === flag);
}
