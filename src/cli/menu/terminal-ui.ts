/**
 * The menu's terminal prompts, on @inquirer/prompts: arrow-key lists, answers
 * checked as they are typed, passwords not echoed. Ctrl-C or ESC rejects the
 * pending prompt with {@link MenuInterrupted}, which sub-menus let bubble up to
 * the main menu; "Back" in a list rejects it with {@link MenuBack}.
 */
import { emitKeypressEvents } from 'node:readline';
import { confirm, input, password, select } from '@inquirer/prompts';
import { MenuBack, MenuInterrupted, type AskOptions, type ChooseOptions, type MenuUi } from './menu-ui.js';

/** The value of the "Back" entry: item indexes are never negative. */
const BACK = -1;

/** Prompts on a terminal (stdin/stdout by default). */
export class TerminalUi implements MenuUi {
  constructor(private readonly input: NodeJS.ReadStream = process.stdin, private readonly output: NodeJS.WriteStream = process.stdout) {}

  /**
   * Runs one prompt. ESC aborts it like Ctrl-C: inquirer leaves ESC alone, so
   * the keypress is watched here (readline's own parser tells it from the
   * start of an arrow key).
   */
  private async prompt<T>(show: (context: { input: NodeJS.ReadStream; output: NodeJS.WriteStream; signal: AbortSignal }) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    const onKey = (_: string, key?: { name?: string }) => {
      if (key?.name === 'escape') controller.abort();
    };
    emitKeypressEvents(this.input);
    this.input.on('keypress', onKey);
    try {
      return await show({ input: this.input, output: this.output, signal: controller.signal });
    } catch (error) {
      // Ctrl-C (ExitPromptError), ESC (AbortPromptError) or a closed input: all leave the prompt the same way.
      if (error instanceof Error && ['ExitPromptError', 'AbortPromptError'].includes(error.name)) throw new MenuInterrupted();
      throw error;
    } finally {
      this.input.off('keypress', onKey);
    }
  }

  async choose(title: string, items: readonly string[], options: ChooseOptions = {}): Promise<number> {
    const choices = items.map((name, value) => ({ name, value }));
    if (options.back !== false) choices.push({ name: 'Back', value: BACK });
    const index = await this.prompt((context) => select({ message: title, choices, pageSize: Math.max(choices.length, 7), loop: false }, context));
    if (index === BACK) throw new MenuBack();
    return index;
  }

  async ask(question: string, options: AskOptions = {}): Promise<string> {
    const check = async (answer: string): Promise<string | true> => {
      const value = answer.trim() || options.default || '';
      if (value === '') return options.allowEmpty ? true : 'an answer is needed';
      return (await options.validate?.(value)) ?? true;
    };
    const answer = await this.prompt((context) => (options.secret
      ? password({ message: question, validate: check }, context)
      : input({ message: question, default: options.default || undefined, validate: check }, context)));
    return answer.trim() || options.default || '';
  }

  async confirm(question: string): Promise<boolean> {
    return this.prompt((context) => confirm({ message: question, default: false }, context));
  }

  print(text: string): void {
    this.output.write(`${text}\n`);
  }

  /** Nothing stays open between prompts; kept so callers release the terminal the same way whatever the UI. */
  close(): void {}
}
