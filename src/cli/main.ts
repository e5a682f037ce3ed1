#!/usr/bin/env node
/**
 * Entry point of the `disklessset` command: the only place that prints
 * results and errors and sets the exit code (0 ok, 1 failed, 2 bad usage).
 */
import { readFileSync } from 'node:fs';
import { DisklessError, UsageError } from '../errors/index.js';
import { openServices } from '../services/services.js';
import { parseCommandInput, parseGlobal, selectCommand } from './args.js';
import type { CommandContext, CommandIO } from './command.js';
import { commandHelp, generalHelp } from './help.js';
import { runMainMenu } from './menu/main-menu.js';
import { TerminalUi } from './menu/terminal-ui.js';
import { createProgressView, progressMode } from './progress-renderer.js';
import { allCommands } from './registry.js';
import { EXTRA_COMMANDS } from './extra-commands.js';
import { diskFullError, isDiskFull } from '../core/state/disk-full.js';

function write(stream: NodeJS.WriteStream, text: string): Promise<void> {
  return new Promise((resolve) => (text ? stream.write(text.endsWith('\n') ? text : `${text}\n`, () => resolve()) : resolve()));
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function version(): string {
  const packageFile = new URL('../../../package.json', import.meta.url);
  return (JSON.parse(readFileSync(packageFile, 'utf8')) as { version: string }).version;
}

async function main(argv: string[]): Promise<number> {
  const { global, words } = parseGlobal(argv);
  if (global.version) {
    await write(process.stdout, version());
    return 0;
  }
  const interactive = Boolean(process.stdin.isTTY && process.stdout.isTTY);
  const color = global.color ?? (Boolean(process.stderr.isTTY) && !process.env.NO_COLOR);
  const notice = (message: string) => process.stderr.write(`disklessset: ${message}\n`);
  // A repair that failed for lack of space is told only if the command succeeds: a failing one prints its own E_NO_SPACE line.
  const spaceNotices: string[] = [];
  const services = await openServices({ root: global.root, onNotice: notice, onLackOfSpaceNotice: (message) => spaceNotices.push(message) });
  const tellSpaceNotices = (): void => { for (const message of spaceNotices.splice(0)) notice(message); };
  const commands = allCommands(services.activeModules, EXTRA_COMMANDS);

  if (words.length === 0 && !global.help) {
    if (!interactive) throw new UsageError('E_USAGE', 'no command given', 'run `disklessset --help`, or start it on a terminal for the menu');
    const ui = new TerminalUi();
    try {
      tellSpaceNotices();
      await runMainMenu(ui, services);
    } finally {
      ui.close();
    }
    return 0;
  }
  const { command, remaining } = selectCommand(commands, words);
  if (!command || global.help) {
    if (global.help || words.length === 0) {
      await write(process.stdout, command ? commandHelp(command) : generalHelp(commands, words));
      return 0;
    }
    const known = commands.some((c) => c.path[0] === words[0]);
    throw new UsageError('E_UNKNOWN_COMMAND', `unknown command "${words.join(' ')}"`,
      known ? `see \`disklessset ${words[0]} --help\`` : 'see `disklessset --help`');
  }
  const input = parseCommandInput(command, remaining);

  const abort = new AbortController();
  process.on('SIGINT', () => {
    if (abort.signal.aborted) process.exit(130);
    abort.abort();
  });
  // Progress goes to stderr (JSON lines under --json): stdout keeps only the answer.
  const progressView = createProgressView(process.stderr, { mode: progressMode({ json: global.json, tty: Boolean(process.stderr.isTTY) }), color });
  const io: CommandIO = {
    interactive,
    confirm: async (question) => {
      const ui = new TerminalUi();
      try {
        return await ui.confirm(question);
      } finally {
        ui.close();
      }
    },
    readStdin,
    progress: progressView.sink,
    signal: abort.signal,
    write: (text) => process.stdout.write(text),
  };
  const context: CommandContext = { services, io, yes: global.yes, json: global.json };
  const result = await command.run(context, input).catch((error: unknown) => {
    progressView.finish('failed');
    throw error;
  });
  progressView.finish('done');
  tellSpaceNotices();
  for (const warning of result.warnings ?? []) await write(process.stderr, `${color ? '\x1b[33mwarning:\x1b[0m' : 'warning:'} ${warning}`);
  if (global.json) await write(process.stdout, JSON.stringify(result.data ?? null, null, 2));
  else if (result.text) await write(process.stdout, result.text);
  return result.exitCode ?? 0;
}

const debug = process.argv.includes('--debug');
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  async (caught: unknown) => {
    let error = caught;
    // A disk-full error that escaped the layer that knows the folder still gets one clear line.
    if (!(error instanceof DisklessError) && isDiskFull(error)) error = diskFullError(error);
    if (error instanceof DisklessError) {
      await write(process.stderr, `disklessset: ${error.oneLine}`);
      if (debug) await write(process.stderr, String(error.stack));
      process.exit(error.kind === 'usage' ? 2 : 1);
    }
    await write(process.stderr, `disklessset: unexpected error: ${(error as Error)?.message ?? String(error)}${debug ? '' : ' (rerun with --debug for details)'}`);
    if (debug) await write(process.stderr, String((error as Error)?.stack));
    process.exit(1);
  },
);
