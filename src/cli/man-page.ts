/**
 * The manual page `man/disklessset.1`, written from the same program as the
 * help (core commands, built-in modules' commands, meta commands) by
 * `npm run build` (scripts/postbuild.mjs).
 */
import type { Command } from 'commander';
import { loadModules } from '../modules/loader.js';
import type { CommandSpec } from './command.js';
import { metaCommands } from './commands/meta/meta.js';
import { EXTRA_COMMANDS } from './extra-commands.js';
import { commandPath } from './input-check.js';
import { buildProgram, type Program } from './program.js';
import { allCommands } from './registry.js';
import { versionLine } from './version.js';

/** Text made safe for roff: backslashes, dashes, and a leading dot or quote. */
function roff(text: string): string {
  return text.replace(/\\/g, '\\e').replace(/-/g, '\\-').replace(/^([.'])/, '\\&$1');
}

function optionLines(options: readonly Command['options'][number][]): string[] {
  return options.filter((o) => !o.hidden).flatMap((o) => ['.TP', `.B ${roff(o.flags)}`, roff(o.description)]);
}

function commandSection(command: Command, spec: CommandSpec): string[] {
  const lines = ['.SS', `.B disklessset ${roff(`${commandPath(command)} ${command.usage()}`)}`, roff(spec.summary)];
  const own = command.options.filter((o) => o.helpGroupHeading === undefined);
  if (own.length) lines.push('.PP', 'Options:', '.RS', ...optionLines(own), '.RE');
  if (spec.example) lines.push('.PP', 'Example:', '.RS', '.nf', roff(`disklessset ${spec.example}`), '.fi', '.RE');
  return lines;
}

/** The man page of `program`, in roff. */
export function manPage(program: Program): string {
  const { version } = versionLine().data;
  const globals = program.root.options.filter((o) => o.long !== '--help');
  const lines = [
    `.TH DISKLESSSET 1 "" "disklessset ${version}" "User Commands"`,
    '.SH NAME', 'disklessset \\- diskless\\-node image manager for HPC clusters',
    '.SH SYNOPSIS', '.B disklessset', roff('[global options] COMMAND [options] [arguments]'),
    '.SH DESCRIPTION', roff(program.root.description()),
    roff('Without a command, on a terminal, it opens an interactive menu. `disklessset help COMMAND` shows the help of one command.'),
    '.SH GLOBAL OPTIONS', roff('Accepted by every command, before or after its words.'), ...optionLines(globals),
    '.SH COMMANDS',
  ];
  for (const [command, spec] of program.specOf) if (!spec.hidden) lines.push(...commandSection(command, spec));
  lines.push('.SH EXIT STATUS', roff('0 success, 1 an operation failed, 2 bad usage or bad input (nothing was changed).'),
    '.SH ENVIRONMENT', '.TP', '.B DISKLESS_ROOT', roff('root prefix, as --root'), '.TP', '.B NO_COLOR', roff('never use colour'));
  return `${lines.join('\n')}\n`;
}

/** The man page of the installed tool: core commands and the built-in modules' (no extra module folder). */
export async function builtinManPage(): Promise<string> {
  const modules = (await loadModules('/nonexistent-extra-modules')).flatMap((m) => (m.descriptor ? [m.descriptor] : []));
  const meta = metaCommands({ help: () => '', complete: () => Promise.resolve([]) });
  const commands = [...allCommands(modules, EXTRA_COMMANDS), ...meta];
  return manPage(buildProgram(commands, { helpWidth: 80, groupSummaries: new Map(modules.map((m) => [m.name, m.description])) }));
}
