/**
 * Commands about the command line itself: help, version, completion and the
 * hidden `__complete` the completion scripts call. Their work needs the
 * built program, which the entry point passes in.
 */
import type { CommandSpec } from '../../command.js';
import { COMPLETION_SHELLS, completionScript } from '../../completion-scripts.js';
import { versionLine } from '../../version.js';

/** What the meta commands use of the built program. */
export interface MetaHooks {
  /** Help text of the command named by `words` (all commands when empty). */
  help(words: readonly string[]): string;
  /** Completion candidates for a partly typed line (see complete.ts). */
  complete(words: readonly string[]): Promise<string[]>;
}

/** The meta commands, bound to `hooks`. */
export function metaCommands(hooks: MetaHooks): CommandSpec[] {
  return [
    {
      path: ['help'],
      summary: 'show help for every command, or for one command or group',
      example: 'help image list',
      args: [{ name: 'COMMAND', variadic: true, description: 'words of a command, e.g. image list', completes: 'command' }],
      async run(_context, { args }) {
        const text = hooks.help((args.COMMAND as string[] | undefined) ?? []);
        return { text, data: { help: text } };
      },
    },
    {
      path: ['version'],
      summary: 'print the version of disklessset and Node.js',
      example: 'version',
      async run() {
        return versionLine();
      },
    },
    {
      path: ['completion'],
      summary: 'print a shell completion script (bash, zsh or fish)',
      example: 'completion bash > /etc/bash_completion.d/disklessset',
      args: [{ name: 'SHELL', required: true, description: 'bash, zsh or fish', choices: COMPLETION_SHELLS }],
      async run(_context, { args }) {
        const script = completionScript(String(args.SHELL));
        return { text: script, data: { shell: args.SHELL, script } };
      },
    },
    {
      path: ['__complete'],
      summary: 'completion candidates for the words after --, one a line',
      hidden: true,
      acceptsRest: true,
      async run(_context, { rest }) {
        const candidates = await hooks.complete(rest);
        return { text: candidates.join('\n'), data: candidates };
      },
    },
  ];
}
