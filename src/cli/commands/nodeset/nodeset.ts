import type { CommandSpec } from '../../command.js';
import { runNodesetCommand } from '../../../nodeset/cli.js';

/** Whether `nodeset` with these arguments reads standard input (no node set given, or `-`). */
export function nodesetReadsStdin(rest: readonly string[]): boolean {
  return rest.length === 0 || rest.includes('-') || rest.every((a) => a.startsWith('-'));
}

export const nodesetCommand: CommandSpec = {
  path: ['nodeset'],
  summary: 'fold (-f), expand (-e) or count (-c) ClusterShell node sets, like `nodeset`',
  example: 'nodeset -f c001 c002 c003',
  rawArguments: true,
  async run({ io }, { rest }) {
    const stdin = nodesetReadsStdin(rest) && !io.interactive ? await io.readStdin() : undefined;
    const text = runNodesetCommand(rest, stdin).replace(/\n$/, '');
    return { text, data: text.split('\n') };
  },
};
