/**
 * Options every command accepts, anywhere on the line (`--root`, `--json`,
 * `--yes`...). They are read before the command is known because the root
 * decides which modules, hence which commands, exist.
 */
import { Command, CommanderError, Option } from 'commander';
import { UsageError } from '../errors/index.js';
import type { OptionSpec } from './command.js';

/** Global options, in the order help lists them. */
export const GLOBAL_OPTIONS: OptionSpec[] = [
  { name: 'root', type: 'string', description: 'root prefix relocating every path (default: DISKLESS_ROOT, else /)', valueName: 'DIR' },
  { name: 'json', type: 'boolean', description: 'print machine-readable JSON (errors too, on stderr)' },
  { name: 'yes', short: 'y', type: 'boolean', description: 'answer yes to confirmations' },
  { name: 'debug', type: 'boolean', description: 'show stack traces of errors' },
  { name: 'no-color', type: 'boolean', description: 'never use colour' },
];

/** Values of the global options. */
export interface GlobalOptions {
  root?: string;
  json: boolean;
  yes: boolean;
  debug: boolean;
  /** False when --no-color was given. */
  color: boolean;
}

/** The commander form of an option spec (flags, value placeholder, repeatable collection). */
export function toOption(spec: OptionSpec): Option {
  const flags = `${spec.short ? `-${spec.short}, ` : ''}--${spec.name}${spec.type === 'string' ? ` <${spec.valueName ?? 'VALUE'}>` : ''}`;
  const option = new Option(flags, `${spec.description}${spec.repeatable && !/repeat/i.test(spec.description) ? ' (repeatable)' : ''}${spec.required ? ' (required)' : spec.requiredNote ? ` (${spec.requiredNote})` : ''}`);
  if (spec.repeatable) option.argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value]);
  if (spec.required) option.makeOptionMandatory();
  return option;
}

/** The phrase for a single-valued option given more than once (`--message given twice; give it once`). */
export function twiceProblem(flag: string): string {
  return `${flag} given twice; give it once`;
}

/**
 * Reads the global options wherever they are in `words` (the words before
 * a bare `--`) and gives back the other words, in order.
 * @throws UsageError E_USAGE when --root has no value or is given twice.
 */
export function readGlobalOptions(words: readonly string[]): { global: GlobalOptions; others: string[] } {
  const reader = new Command().exitOverride().helpOption(false).allowUnknownOption().allowExcessArguments()
    .configureOutput({ writeOut: () => {}, writeErr: () => {}, outputError: () => {} });
  for (const spec of GLOBAL_OPTIONS) reader.addOption(toOption(spec));
  let roots = 0;
  reader.on('option:root', () => { roots += 1; });
  let rest: { operands: string[]; unknown: string[] };
  try {
    rest = reader.parseOptions([...words]);
  } catch (error) {
    if (error instanceof CommanderError) throw new UsageError('E_USAGE', '--root needs a folder', 'write --root DIR');
    throw error;
  }
  if (roots > 1) throw new UsageError('E_USAGE', twiceProblem('--root'), 'write --root DIR once');
  const values = reader.opts<{ root?: string; json?: boolean; yes?: boolean; debug?: boolean; color?: boolean }>();
  return {
    global: { root: values.root, json: Boolean(values.json), yes: Boolean(values.yes), debug: Boolean(values.debug), color: values.color !== false },
    others: [...rest.operands, ...rest.unknown],
  };
}
