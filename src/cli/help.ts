/** Help texts, generated from the command specs so they never drift. */
import type { CommandSpec } from './command.js';
import { GLOBAL_OPTIONS } from './args.js';

function usageLine(command: CommandSpec): string {
  const args = (command.args ?? []).map((a) => (a.required ? a.name : `[${a.name}]`) + (a.variadic ? '...' : ''));
  const rest = command.acceptsRest ? ' [-- COMMAND...]' : '';
  return `disklessset ${command.path.join(' ')}${(command.options ?? []).length ? ' [options]' : ''}${args.length ? ` ${args.join(' ')}` : ''}${rest}`;
}

/** Help of one command. */
export function commandHelp(command: CommandSpec): string {
  const lines = [`Usage: ${usageLine(command)}`, '', command.summary];
  if (command.options?.length) {
    lines.push('', 'Options:');
    for (const o of command.options) {
      const flag = `${o.short ? `-${o.short}, ` : ''}--${o.name}${o.type === 'string' ? ` ${o.valueName ?? 'VALUE'}` : ''}`;
      lines.push(`  ${flag.padEnd(30)} ${o.description}${o.repeatable ? ' (repeatable)' : ''}`);
    }
  }
  return lines.join('\n');
}

/** Help listing every command; `prefix` narrows it to one noun. */
export function generalHelp(commands: readonly CommandSpec[], prefix: readonly string[] = []): string {
  const shown = commands.filter((c) => prefix.every((w, i) => c.path[i] === w));
  const lines = ['Usage: disklessset [global options] COMMAND [options] [arguments]',
    '       disklessset            (on a terminal: interactive menu)', '', 'Commands:'];
  for (const c of shown) lines.push(`  ${c.path.join(' ').padEnd(28)} ${c.summary}`);
  lines.push('', 'Global options:');
  for (const o of GLOBAL_OPTIONS) {
    lines.push(`  ${`${o.short ? `-${o.short}, ` : ''}--${o.name}${o.type === 'string' ? ` ${o.valueName}` : ''}`.padEnd(28)} ${o.description}`);
  }
  lines.push('', 'Exit codes: 0 success, 1 an operation failed, 2 bad usage or bad input.');
  return lines.join('\n');
}
