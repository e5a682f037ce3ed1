/**
 * A menu UI that plays back scripted answers and records everything shown,
 * for menu tests. It keeps the terminal UI's rules: "Back" ends every list
 * unless `back: false`, an answer is checked when given and a refused answer
 * is shown and asked again (the next scripted answer), an empty answer needs
 * `allowEmpty` or a default. Answers to secret questions are never recorded.
 */
import { MenuBack, MenuInterrupted, type AskOptions, type ChooseOptions, type MenuUi } from '../../src/cli/menu/menu-ui.js';

/** A scripted answer: a choice index, a text, a confirmation, "Back" in a list, or Ctrl-C. */
export type ScriptedAnswer = number | string | boolean | 'BACK' | 'CTRL-C';

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

  async choose(title: string, items: readonly string[], options: ChooseOptions = {}): Promise<number> {
    this.shown.push(title, ...items, ...(options.back === false ? [] : ['Back']));
    const answer = this.next();
    if (answer === 'BACK') {
      if (options.back === false) throw new Error(`"${title}" has no Back entry`);
      throw new MenuBack();
    }
    if (typeof answer !== 'number' || answer < 0 || answer >= items.length) throw new Error(`no item ${String(answer)} in "${title}"`);
    return answer;
  }

  async ask(question: string, options: AskOptions = {}): Promise<string> {
    this.shown.push(question);
    for (;;) {
      const answer = String(this.next()).trim() || options.default || '';
      const problem = answer === '' ? (options.allowEmpty ? undefined : 'an answer is needed') : await options.validate?.(answer);
      if (!problem) return answer;
      this.shown.push(problem);
    }
  }

  async confirm(question: string): Promise<boolean> {
    this.shown.push(question);
    return this.next() as boolean;
  }

  print(text: string): void {
    this.shown.push(text);
  }
}
