/**
 * The contract every image module fulfils, built-in or third-party: a default
 * export (or named `module` export) of a {@link ModuleDescriptor}, with the
 * shapes of its commands and menu prompts. The CLI runs commands of these
 * shapes (its own included); commands are plain async functions that return
 * data (or text), only `cli/main.ts` prints (and `cli/bin.ts` exits). Defined here, below
 * the CLI, so a module never imports `src/cli/`.
 */
import type { AnyImageClass } from '../core/image/image.js';
import type { CoreServices } from '../core/core-services.js';
import type { ProgressSink } from '../core/progress.js';

/** Version of this contract. A module declaring another version is refused. */
export const MODULE_API_VERSION = 1;

/** What a module exports. */
export interface ModuleDescriptor {
  /** Lower-case word; also the CLI noun (`disklessset <name> ...`). */
  name: string;
  apiVersion: number;
  description: string;
  /** Image classes it provides. */
  imageClasses: AnyImageClass[];
  /** CLI subcommands, paths relative to the module name. */
  commands?: CommandSpec[];
  /** Actions of its interactive menu (main menu entry 1). */
  menu?: MenuAction[];
  /** System programs it needs (checked and reported by `module list`). */
  requiredTools?: string[];
}

/** A module as discovered. */
export interface LoadedModule {
  /** Where it was found. */
  source: string;
  builtin: boolean;
  status: 'ok' | 'broken';
  /** Set when status is 'ok'. */
  descriptor?: ModuleDescriptor;
  /** Why it is broken. */
  error?: string;
  /** Required tools not found on PATH. */
  missingTools?: string[];
}

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
  /** The command refuses to run without it; help and the man page say so. */
  required?: boolean;
  /**
   * When the command refuses to run without it although the parser cannot
   * insist (the value may come from a spec file, or only some settings need
   * it), e.g. `required with --layout liveos`: help shows it in parentheses.
   */
  requiredNote?: string;
  /** The only values it takes, offered by shell completion. */
  choices?: readonly string[];
}

/** One positional argument of a command. */
export interface ArgumentSpec {
  name: string;
  required?: boolean;
  /** Takes every remaining positional argument. */
  variadic?: boolean;
  /** One line for the help's argument list. */
  description?: string;
  /**
   * What names shell completion offers for it, read from the state of the
   * root: `image`, `kernel`, `nodes` (nodes of the inventory and node sets
   * of boot assignments), or `command` (the words of a command, for `help`).
   */
  completes?: 'image' | 'kernel' | 'nodes' | 'overlay' | 'command';
  /** The only values it takes, offered by shell completion. */
  choices?: readonly string[];
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
  /**
   * Explanations for a human that are not the answer, printed on stderr
   * (without --json), so that stdout holds only `text`
   * (e.g. `TOKEN=$(disklessset api token create --role read)`).
   */
  notes?: string[];
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

/**
 * Everything a command can use. `S` is what the command sees of the tool:
 * module commands get the core managers, the CLI's own commands the full wiring.
 */
export interface CommandContext<S extends CoreServices = CoreServices> {
  services: S;
  io: CommandIO;
  /** `--yes` was given: confirmations are answered yes. */
  yes: boolean;
  /** `--json` was given. */
  json: boolean;
}

/** A command (built-in or a module's); `S` as in {@link CommandContext}. */
export interface CommandSpec<S extends CoreServices = CoreServices> {
  /** Words that select it, e.g. `['image', 'list']`; module commands are relative to the module name. */
  path: string[];
  summary: string;
  /**
   * One complete command line showing typical use, without the program
   * name, e.g. `image show compute-el9` (help and the man page show it).
   */
  example?: string;
  /** Left out of help, the man page and completion (e.g. internal commands a completion script calls). */
  hidden?: boolean;
  args?: ArgumentSpec[];
  options?: OptionSpec[];
  /** Accepts arguments after `--` (e.g. a command to run in a chroot). */
  acceptsRest?: boolean;
  /** Takes its words unparsed in `rest` (commands with their own syntax, e.g. `nodeset -f`). */
  rawArguments?: boolean;
  run(context: CommandContext<S>, input: ParsedInput): Promise<CommandResult>;
}

/** Options of {@link MenuUi.ask}. */
export interface AskOptions {
  /** Shown with the question and taken when the answer is empty. */
  default?: string;
  /**
   * Called on each answer as it is given: returns a problem to show, then the
   * question is asked again; undefined when the answer is fine. An empty
   * answer with `allowEmpty` is accepted without it.
   */
  validate?: (answer: string) => string | undefined | Promise<string | undefined>;
  /** An empty answer is accepted as it is (questions that say "empty for none"). */
  allowEmpty?: boolean;
  /** Do not echo the answer (passwords); it is never shown nor recorded. */
  secret?: boolean;
}

/** Options of {@link MenuUi.choose}. */
export interface ChooseOptions {
  /**
   * Adds a last "Back" entry (default true); picking it throws
   * {@link MenuBack}, which the enclosing menu catches to show itself again.
   */
  back?: boolean;
}

/** The user picked "Back" in a selection list: the enclosing menu shows itself again. */
export class MenuBack extends Error {
  constructor() {
    super('back');
    this.name = 'MenuBack';
  }
}

/** Ctrl-C (or ESC) at a prompt: sub-menus let it bubble up to the main menu, which then leaves. */
export class MenuInterrupted extends Error {
  constructor() {
    super('interrupted');
    this.name = 'MenuInterrupted';
  }
}

/** Prompts of an interactive session. */
export interface MenuUi {
  /** Shows the items (plus "Back" unless `back: false`) and returns the chosen index; throws MenuBack or MenuInterrupted. */
  choose(title: string, items: readonly string[], options?: ChooseOptions): Promise<number>;
  /** Asks until an answer passes (see {@link AskOptions}); an empty answer is refused unless `allowEmpty` or a default. */
  ask(question: string, options?: AskOptions): Promise<string>;
  confirm(question: string): Promise<boolean>;
  print(text: string): void;
}

/** One entry of a menu; `S` as in {@link CommandContext}. */
export interface MenuAction<S extends CoreServices = CoreServices> {
  label: string;
  run(ui: MenuUi, services: S): Promise<void>;
}
