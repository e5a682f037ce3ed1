/** A menu UI that plays back scripted answers and records everything shown, for menu tests. */
import { MenuInterrupted } from '../../src/cli/menu/terminal-ui.js';
import type { AskOptions, MenuUi } from '../../src/cli/menu/menu-ui.js';

/** A scripted answer: a choice index, a text, a confirmation, or Ctrl-C. */
export type ScriptedAnswer = number | string | boolean | 'CTRL-C';

export class ScriptedUi implements MenuUi {
  readonly shown: string[] = [];

  /** With `interruptWhenDone`, running out of answers acts as Ctrl-C (leaves the main menu). */
  constructor(private readonly answers: ScriptedAnswer[], private readonly interruptWhenDone = false) {}

  private next(): ScriptedAnswer {
    const answer = this.answers.shift();
    if (answer === 'CTRL-C' || (answer === undefined && this.interruptWhenDone)) throw new MenuInterrupted();
    if (answer === undefined) throw new Error(`no answer left after: ${this.shown.at(-1)}`);
    return answer;
  }

  async choose(title: string, items: readonly string[]): Promise<number> {
    this.shown.push(title, ...items);
    return this.next() as number;
  }

  async ask(question: string, options?: AskOptions): Promise<string> {
    this.shown.push(question);
    const answer = String(this.next());
    const problem = await options?.validate?.(answer);
    if (problem) throw new Error(problem);
    return answer;
  }

  async confirm(question: string): Promise<boolean> {
    this.shown.push(question);
    return this.next() as boolean;
  }

  print(text: string): void {
    this.shown.push(text);
  }
}
