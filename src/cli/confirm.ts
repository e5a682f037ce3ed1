/** Confirmation before destroying anything: asked on a terminal, required as --yes in scripts. */
import { UsageError } from '../core/errors.js';
import type { CommandContext } from './command.js';

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
