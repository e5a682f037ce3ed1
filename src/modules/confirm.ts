/** Confirmation before destroying anything (commands of the CLI and of modules): asked on a terminal, required as --yes in scripts. */
import { UsageError } from '../errors/index.js';
import type { CommandContext } from './contract.js';

/** Resolves when the action is confirmed; throws E_NOT_CONFIRMED otherwise. */
export async function requireConfirmation(context: CommandContext, question: string): Promise<void> {
  if (context.yes) return;
  if (!context.io.interactive) {
    throw new UsageError('E_NOT_CONFIRMED', `${question} needs confirmation`, 'add --yes to confirm from a script');
  }
  if (!(await context.io.confirm(`${question}?`))) {
    throw new UsageError('E_NOT_CONFIRMED', 'cancelled, nothing was changed', 'answer y to proceed');
  }
}
