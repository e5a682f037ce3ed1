import type { CommandSpec } from '../../command.js';
import { runNodesetCommand } from '../../../nodeset/cli.js';

export const nodesetCommand: CommandSpec = {
  path: ['nodeset'],
  summary: 'fold (-f), expand (-e) or count (-c) ClusterShell node sets, like `nodeset`',
  example: 'nodeset -f c001 c002 c003',
  rawArguments: true,
  async run({ io }, { rest }) {
    const needsStdin = rest.length === 0 || rest.includes('-') || rest.every((a) => a.startsWith('-'));
    const stdin = needsStdin && !io.interactive ? await io.readStdin() : undefined;
    const output = runNodesetCommand(rest, stdin);
    return { text: output.replace(/\n$/, ''), data: output.replace(/\n$/, '').split('\n') };
  },
};
