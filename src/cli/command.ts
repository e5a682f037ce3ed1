/**
 * The shape of a CLI command. Commands are plain async functions that return
 * data (or text); only `main.ts` prints and exits. Modules export commands of
 * the same shape, mounted under `disklessset <module> ...`.
 */
import type { Services } from '../core/services.js';
import type { ProgressSink } from '../core/progress.js';

/** One `--option` of a command. */
export interface OptionSpec {
  name: string;
  type: 'boolean' | 'string';
  short?: string;
  description: string;
  /** The option may be given several times; the value is then a string array. */
  repeatable?: boolean;
  /** Placeholder shown in help, e.g. `SECONDS`. */
  valueName?: string;
}

/** One positional argument of a command. */
export interface ArgumentSpec {
  name: string;
  required?: boolean;
  /** Takes every remaining positional argument. */
  variadic?: boolean;
}

/** Parsed command line handed to `run`. */
export interface ParsedInput {
  args: Record<string, string | string[] | undefined>;
  options: Record<string, string | boolean | string[] | undefined>;
  /** Arguments after a bare `--`, untouched. */
  rest: string[];
}

/** What the command gives back to the entry point. */
export interface CommandResult {
  /** Text for humans (printed when --json is not given). */
  text?: string;
  /** Data for scripts (printed as JSON with --json; used by the API). */
  data?: unknown;
  /** Warnings printed on stderr. */
  warnings?: string[];
  /** Exit code when not 0 (e.g. an interactive shell's own status). */
  exitCode?: number;
}

/** I/O facilities of the process running the command. */
export interface CommandIO {
  /** Whether stdin and stdout are a terminal (prompts, progress bars, colour). */
  interactive: boolean;
  /** Asks a yes/no question; only called when `interactive`. */
  confirm(question: string): Promise<boolean>;
  /** Reads all of stdin (e.g. `--password-stdin`). */
  readStdin(): Promise<string>;
  /** Progress of long work. */
  progress: ProgressSink;
  /** Fires on Ctrl-C. */
  signal: AbortSignal;
  /** Writes text straight to stdout (for streamed output such as a console). */
  write(text: string): void;
}

/** Everything a command can use. */
export interface CommandContext {
  services: Services;
  io: CommandIO;
  /** `--yes` was given: confirmations are answered yes. */
  yes: boolean;
  /** `--json` was given. */
  json: boolean;
}

/** A CLI command. */
export interface CommandSpec {
  /** Words that select it, e.g. `['image', 'list']`; module commands are relative to the module name. */
  path: string[];
  summary: string;
  args?: ArgumentSpec[];
  options?: OptionSpec[];
  /** Accepts arguments after `--` (e.g. a command to run in a chroot). */
  acceptsRest?: boolean;
  /** Takes its words unparsed in `rest` (commands with their own syntax, e.g. `nodeset -f`). */
  rawArguments?: boolean;
  run(context: CommandContext, input: ParsedInput): Promise<CommandResult>;
}
