/**
 * Shell completion scripts. Each is a thin shim: it hands the words typed so
 * far to `disklessset __complete -- WORDS...` and offers what comes back (one
 * candidate a line), so commands, options and names always match the
 * installed version and the current state.
 */
import { UsageError } from '../errors/index.js';

/** Shells a completion script exists for. */
export const COMPLETION_SHELLS = ['bash', 'zsh', 'fish'] as const;

const SCRIPTS: Record<(typeof COMPLETION_SHELLS)[number], string> = {
  bash: `# disklessset completion for bash; load with: source <(disklessset completion bash)
_disklessset_complete() {
  local IFS=$'\\n'
  COMPREPLY=($(disklessset __complete -- "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null))
}
complete -o default -F _disklessset_complete disklessset
`,
  zsh: `#compdef disklessset
# disklessset completion for zsh; load with: source <(disklessset completion zsh)
_disklessset_complete() {
  local -a candidates
  candidates=("\${(@f)$(disklessset __complete -- "\${(@)words[2,CURRENT]}" 2>/dev/null)}")
  compadd -a candidates
}
compdef _disklessset_complete disklessset
`,
  fish: `# disklessset completion for fish; load with: disklessset completion fish | source
complete -c disklessset -f -a '(disklessset __complete -- (commandline -opc)[2..-1] (commandline -ct) 2>/dev/null)'
`,
};

/**
 * The completion script of `shell`.
 * @throws UsageError E_USAGE for a shell without one.
 */
export function completionScript(shell: string): string {
  if (!(COMPLETION_SHELLS as readonly string[]).includes(shell)) {
    throw new UsageError('E_USAGE', `no completion script for shell "${shell}"`, `choose one of ${COMPLETION_SHELLS.join(', ')}`);
  }
  return SCRIPTS[shell as keyof typeof SCRIPTS];
}
