/**
 * What shell completion offers for a partly typed line: command words,
 * options, the values of options and arguments with fixed choices, and names
 * read from the state of the root (images, kernels, the inventory's nodes and
 * the node sets of boot assignments). The completion scripts (completion-scripts.ts)
 * ask for it through the hidden `__complete` command.
 */
import type { Command } from 'commander';
import { listBoot } from '../boot/index.js';
import type { Services } from '../services/services.js';
import { findOption, type Program } from './program.js';

const isHidden = (command: Command): boolean => (command as unknown as { _hidden?: boolean })._hidden === true;

async function names(kind: 'image' | 'kernel' | 'nodes' | 'overlay', services: Services): Promise<string[]> {
  if (kind === 'overlay') return (await services.overlays.list()).map((overlay) => overlay.name);
  if (kind === 'image') return (await services.images.list()).map((image) => image.name);
  if (kind === 'kernel') return (await services.kernels.list()).map((kernel) => kernel.kernel);
  const nodes = (await services.inventory.effectiveNodes()).map((node) => node.name);
  return [...new Set([...nodes, ...(await listBoot(services)).map((assignment) => assignment.nodes)])];
}

/** The command words that may follow `words` (for `help image ...`): the subcommands of the group they name. */
function commandWords(program: Program, words: readonly string[]): string[] {
  let node: Command | undefined = program.root;
  for (const word of words) node = node?.commands.find((c) => c.name() === word);
  return node ? node.commands.filter((c) => !isHidden(c)).map((c) => c.name()) : [];
}

/**
 * Candidates for the last of `words` (the words after the program name, the
 * last one being the word under the cursor, maybe empty). `servicesFor`
 * opens the root the line names with --root (undefined: the current one).
 */
export async function completeLine(program: Program, words: readonly string[], servicesFor: (root?: string) => Promise<Services>): Promise<string[]> {
  const typed = words.at(-1) ?? '';
  const before = words.slice(0, -1);
  let node = program.root;
  let root: string | undefined;
  const operands: string[] = [];
  for (let i = 0; i < before.length; i += 1) {
    const word = before[i] as string;
    if (word.startsWith('-')) {
      const option = findOption(node, word);
      if (option?.required && !word.includes('=')) {
        if (option.long === '--root') root = before[i + 1];
        i += 1;
      }
      continue;
    }
    const child = program.specOf.has(node) ? undefined : node.commands.find((c) => c.name() === word);
    if (child) node = child;
    else operands.push(word);
  }
  // The value of an option that takes one: its fixed choices, else left to the shell (often a file).
  const last = before.at(-1);
  const valueOf = last?.startsWith('-') && !last.includes('=') ? findOption(node, last) : undefined;
  if (valueOf?.required) {
    const choices = program.specOf.get(node)?.options?.find((o) => `--${o.name}` === valueOf.long)?.choices ?? [];
    return choices.filter((choice) => choice.startsWith(typed));
  }
  let candidates: string[];
  if (typed.startsWith('-')) {
    candidates = node.options.filter((o) => !o.hidden).flatMap((o) => (o.long ? [o.long] : [])).concat('--help');
  } else if (!program.specOf.has(node)) {
    candidates = node.commands.filter((c) => !isHidden(c)).map((c) => c.name());
  } else {
    const args = program.specOf.get(node)?.args ?? [];
    const arg = args[operands.length] ?? (args.at(-1)?.variadic ? args.at(-1) : undefined);
    if (arg?.choices) candidates = [...arg.choices];
    else if (arg?.completes === 'command') candidates = commandWords(program, operands);
    else candidates = arg?.completes ? await names(arg.completes, await servicesFor(root)) : [];
  }
  return candidates.filter((candidate) => candidate.startsWith(typed));
}
