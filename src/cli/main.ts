/**
 * The `disklessset` command line as a function: {@link main} reads the line,
 * runs the command and prints its result or error, and returns the exit code
 * (0 ok, 1 failed, 2 bad usage). It never exits the process: `bin.ts` does,
 * and tests call it in-process.
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { DisklessError, OperationError, UsageError } from '../errors/index.js';
import { openServices, repairServices, type OpenOptions } from '../services/services.js';
import type { CommandContext, CommandIO } from './command.js';
import { readGlobalOptions, type GlobalOptions } from './global-options.js';
import { checkInput, commandPath, resolveLine } from './input-check.js';
import { buildProgram, commandOf, parseLine } from './program.js';
import { completeLine } from './complete.js';
import { metaCommands } from './commands/meta/meta.js';
import { createProgressView, progressMode } from './progress-renderer.js';
import { allCommands } from './registry.js';
import { EXTRA_COMMANDS } from './extra-commands.js';
import { diskFullError, isDiskFull } from '../core/state/disk-full.js';
import { versionLine } from './version.js';

/** Where output goes: a process stream, or a test's buffer. */
export interface OutputStream {
  write(text: string, callback?: () => void): boolean;
  isTTY?: boolean;
  columns?: number;
}

/** What {@link main} runs with: the process's streams and environment, or a test's. */
export interface CliEnvironment {
  stdout: OutputStream;
  stderr: OutputStream;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  /** Environment variables (DISKLESS_ROOT, NO_COLOR). */
  env: Record<string, string | undefined>;
  /**
   * Fires on Ctrl-C or SIGTERM; its reason is the signal's name (`SIGINT`,
   * `SIGTERM`), which picks the exit code of an interrupted command.
   */
  signal: AbortSignal;
  /** The renderer of node overlays (see `OpenOptions.overlayRenderer`); tests pass their own. */
  overlayRenderer?: OpenOptions['overlayRenderer'];
}

function write(stream: OutputStream, text: string): Promise<void> {
  return new Promise((done) => (text ? stream.write(text.endsWith('\n') ? text : `${text}\n`, () => done()) : done()));
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer | string));
  return Buffer.concat(chunks).toString('utf8');
}

/** Help width: the terminal's, else 80 (pipes, files, tests). */
function helpWidth(stdout: OutputStream): number {
  return stdout.isTTY && stdout.columns ? Math.max(40, stdout.columns) : 80;
}

/** A given root must be an existing folder: a typo must not look like an empty installation. */
async function checkRoot(root: string | undefined): Promise<void> {
  if (root === undefined) return;
  // An empty value would silently mean the current folder.
  if (root.trim() === '') throw new UsageError('E_ROOT_NOT_FOUND', 'the root prefix is empty', 'give --root DIR (or DISKLESS_ROOT) an existing folder, or leave it out to use /');
  const found = await stat(root).catch(() => undefined);
  if (!found?.isDirectory()) {
    throw new UsageError('E_ROOT_NOT_FOUND', `root prefix ${resolve(root)} ${found ? 'is not a folder' : 'does not exist'}`,
      'check --root (or DISKLESS_ROOT); it must name an existing folder');
  }
}

async function runLine(argv: readonly string[], env: CliEnvironment, global: GlobalOptions, others: string[], rest: string[] | undefined): Promise<number> {
  const root = global.root ?? env.env.DISKLESS_ROOT;
  await checkRoot(root);
  const interactive = Boolean(env.stdin.isTTY && env.stdout.isTTY);
  const color = global.color && Boolean(env.stderr.isTTY) && !env.env.NO_COLOR;
  const notice = (message: string) => { env.stderr.write(`disklessset: ${message}\n`); };
  // A repair that failed for lack of space is told only if the command succeeds: a failing one prints its own E_NO_SPACE line.
  const spaceNotices: string[] = [];
  const openOptions = { onNotice: notice, onLackOfSpaceNotice: (message: string) => { spaceNotices.push(message); }, ...(env.overlayRenderer ? { overlayRenderer: env.overlayRenderer } : {}) };
  const services = await openServices({ root: root ?? '/', repair: false, ...openOptions });
  const tellSpaceNotices = (): void => { for (const message of spaceNotices.splice(0)) notice(message); };

  const width = helpWidth(env.stdout);
  const meta = metaCommands({
    help: (words) => helpText(words),
    complete: (words) => completeLine(program, words, (typedRoot) => (typedRoot === undefined ? Promise.resolve(services)
      : checkRoot(typedRoot).then(() => openServices({ root: typedRoot, repair: false })))),
  });
  const commands = [...allCommands(services.activeModules, EXTRA_COMMANDS), ...meta];
  const groupSummaries = new Map(services.activeModules.map((m) => [m.name, m.description]));
  const program = buildProgram(commands, { helpWidth: width, groupSummaries });
  const helpText = (words: readonly string[]): string => {
    const found = resolveLine(program, words);
    if (found.kind === 'help') return found.command.helpInformation();
    if (found.kind === 'run') return commandOf(program, found.spec).helpInformation();
    return program.root.helpInformation();
  };

  const line = resolveLine(program, others);
  if (line.kind === 'version') {
    await write(env.stdout, global.json ? JSON.stringify(versionLine().data) : versionLine().text);
    return 0;
  }
  if (line.kind === 'help') {
    // `node --json` asks for JSON, and help is not: a script gets a JSON error (exit 2) rather than help text on stdout.
    if (global.json && !others.some((word) => word === '--help' || word === '-h')) {
      const path = commandPath(line.command);
      throw new UsageError('E_USAGE', `\`${path}\` needs a command: ${line.command.commands.filter((c) => !(c as unknown as { _hidden: boolean })._hidden).map((c) => c.name()).join(', ')}`, `see \`disklessset help ${path}\``);
    }
    await write(env.stdout, line.command.helpInformation());
    return 0;
  }
  if (line.kind === 'menu') {
    if (rest !== undefined || !interactive) throw new UsageError('E_USAGE', 'no command given', 'run `disklessset help`, or start it on a terminal for the menu');
    await repairServices(services, openOptions);
    // The menu and its prompts (@inquirer/prompts) are loaded only for a person at a terminal.
    const [{ runMainMenu }, { TerminalUi }] = await Promise.all([import('./menu/main-menu.js'), import('./menu/terminal-ui.js')]);
    const ui = new TerminalUi();
    try {
      tellSpaceNotices();
      await runMainMenu(ui, services);
    } finally {
      ui.close();
    }
    return 0;
  }
  checkInput(commandOf(program, line.spec), line.spec, line.words, rest !== undefined);
  const { spec, input } = line.spec.rawArguments
    ? { spec: line.spec, input: { args: {}, options: {}, rest: [...line.words, ...(rest ?? [])] } }
    : parseLine(program, argvWithoutRest(argv), rest ?? []);

  await repairServices(services, openOptions);
  // Progress goes to stderr (JSON lines under --json): stdout keeps only the answer.
  // Warnings already shown as progress (during the work) are not repeated after the answer.
  const warned = new Set<string>();
  const progressView = createProgressView(env.stderr as NodeJS.WriteStream, { mode: progressMode({ json: global.json, tty: Boolean(env.stderr.isTTY) }), color });
  const io: CommandIO = {
    interactive,
    confirm: async (question) => {
      const { TerminalUi } = await import('./menu/terminal-ui.js');
      const ui = new TerminalUi();
      try {
        return await ui.confirm(question);
      } finally {
        ui.close();
      }
    },
    readStdin: () => readAll(env.stdin),
    progress: (event) => {
      if (event.type === 'log' && event.level === 'warn') warned.add(event.message);
      progressView.sink(event);
    },
    signal: env.signal,
    write: (text) => { env.stdout.write(text); },
  };
  const context: CommandContext = { services, io, yes: global.yes, json: global.json };
  const result = await spec.run(context, input).catch((error: unknown) => {
    progressView.finish(env.signal.aborted ? 'interrupted' : 'failed');
    throw error;
  });
  progressView.finish('done');
  tellSpaceNotices();
  for (const warning of (result.warnings ?? []).filter((w) => !warned.has(w))) await write(env.stderr, `${color ? '\x1b[33mwarning:\x1b[0m' : 'warning:'} ${warning}`);
  // Indented for a person at a terminal; one line for the programs that read pipes (docs/json.md).
  if (global.json) await write(env.stdout, JSON.stringify(result.data ?? null, null, env.stdout.isTTY ? 2 : undefined));
  else {
    for (const note of result.notes ?? []) await write(env.stderr, note);
    if (result.text) await write(env.stdout, result.text);
  }
  return result.exitCode ?? 0;
}

/** The words before a bare `--`. */
function argvWithoutRest(argv: readonly string[]): string[] {
  const dash = argv.indexOf('--');
  return dash < 0 ? [...argv] : argv.slice(0, dash);
}

/** Prints an error: one line, or under --json one JSON object `{code, message, hint}`; returns the exit code. */
async function reportError(caught: unknown, env: CliEnvironment, json: boolean, debug: boolean): Promise<number> {
  let error = caught;
  // Whatever the work threw once the signal fired (an aborted tool, an AbortError) is the interruption itself.
  if (env.signal.aborted) error = interruption(error);
  // A disk-full error that escaped the layer that knows the folder still gets one clear line.
  if (!(error instanceof DisklessError) && isDiskFull(error)) error = diskFullError(error);
  const known = error instanceof DisklessError ? error : undefined;
  const message = known?.message ?? `unexpected error: ${(error as Error)?.message ?? String(error)}`;
  const hint = known ? known.hint : debug ? undefined : 'rerun with --debug for details';
  if (json) await write(env.stderr, JSON.stringify({ code: known?.code ?? 'E_UNEXPECTED', message, hint: hint ?? null }));
  else await write(env.stderr, `disklessset: ${known ? known.oneLine : `${message}${hint ? ` (${hint})` : ''}`}`);
  if (debug) await write(env.stderr, String((error as Error)?.stack));
  // 128 + the signal's number, as a shell reports a command ended by it.
  if (env.signal.aborted) return env.signal.reason === 'SIGTERM' ? 143 : env.signal.reason === 'SIGHUP' ? 129 : 130;
  return known?.kind === 'usage' ? 2 : 1;
}

/** The error to report for a command stopped by a signal: its own E_INTERRUPTED (which says how far it got), else a plain one. */
function interruption(error: unknown): DisklessError {
  if (error instanceof DisklessError && error.code === 'E_INTERRUPTED') return error;
  return new OperationError('E_INTERRUPTED', 'interrupted', 'run the command again');
}

/**
 * Runs one command line (`argv` without the program name) and returns its
 * exit code; every result and error is written to `env`'s streams.
 */
export async function main(argv: readonly string[], env: CliEnvironment): Promise<number> {
  const dash = argv.indexOf('--');
  const before = dash < 0 ? [...argv] : argv.slice(0, dash);
  const rest = dash < 0 ? undefined : argv.slice(dash + 1);
  let global: GlobalOptions = { json: before.includes('--json'), yes: false, debug: before.includes('--debug'), color: true };
  try {
    const read = readGlobalOptions(before);
    global = read.global;
    return await runLine(argv, env, global, read.others, rest);
  } catch (error) {
    return reportError(error, env, global.json, global.debug);
  }
}
