/**
 * Collects the input errors of one request so they are all reported in one
 * run (one line, before any work) instead of one per attempt.
 */
import { UsageError } from '../errors/index.js';

/** The UsageErrors found so far; anything else thrown is not an input error and passes through. */
export class InputProblems {
  private readonly found: UsageError[] = [];

  /** Runs `parse`; on a UsageError records it and returns `fallback` so the other checks still run. */
  take<T>(parse: () => T, fallback: T): T {
    try {
      return parse();
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      this.found.push(error);
      return fallback;
    }
  }

  /** As {@link take}, for checks that read the host. */
  async check(run: () => Promise<unknown>): Promise<void> {
    try {
      await run();
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      this.found.push(error);
    }
  }

  get count(): number {
    return this.found.length;
  }

  /**
   * Throws the one error found as it is, or for several a UsageError with the
   * first one's code and every message with its fix on one line.
   */
  throwIfAny(): void {
    const [first] = this.found;
    if (!first) return;
    if (this.found.length === 1) throw first;
    const each = this.found.map((e) => (e.hint ? `${e.message} (${e.hint})` : e.message));
    throw new UsageError(first.code, `${this.found.length} problems: ${each.join('; ')}`, 'fix them all, then run it again');
  }
}
