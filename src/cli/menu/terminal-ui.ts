/**
 * The menu's terminal prompts, on readline. Ctrl-C rejects the pending prompt
 * with {@link MenuInterrupted}, which sub-menus let bubble up to the main menu.
 */
import { createInterface, type Interface } from 'node:readline';
import { Writable } from 'node:stream';
import type { AskOptions, MenuUi } from './menu-ui.js';

/** Ctrl-C at a prompt. */
export class MenuInterrupted extends Error {
  constructor() {
    super('interrupted');
  }
}

/** Prompts on stdin/stdout. Call `close()` when done. */
export class TerminalUi implements MenuUi {
  private readonly rl: Interface;
  private muted = false;

  constructor(private readonly input: NodeJS.ReadableStream = process.stdin, private readonly output: NodeJS.WritableStream = process.stdout) {
    // Output goes through a gate so secret answers are not echoed.
    const gate = new Writable({
      write: (chunk, _encoding, done) => {
        if (!this.muted) this.output.write(chunk);
        done();
      },
    });
    this.rl = createInterface({ input: this.input, output: gate, terminal: true });
  }

  private question(prompt: string, secret = false): Promise<string> {
    return new Promise((resolve, reject) => {
      // Aborting drops the pending question, so the next prompt gets the next answer.
      const pending = new AbortController();
      const onInterrupt = () => {
        pending.abort();
        this.rl.off('SIGINT', onInterrupt);
        this.rl.off('close', onInterrupt);
        this.muted = false;
        this.output.write('\n');
        reject(new MenuInterrupted());
      };
      this.rl.once('SIGINT', onInterrupt);
      this.rl.once('close', onInterrupt);
      // A secret prompt is written before muting; a plain one goes through readline, which redraws it.
      if (secret) this.output.write(prompt);
      this.muted = secret;
      this.rl.question(secret ? '' : prompt, { signal: pending.signal }, (answer) => {
        this.rl.off('SIGINT', onInterrupt);
        this.rl.off('close', onInterrupt);
        if (secret) this.output.write('\n');
        this.muted = false;
        resolve(answer.trim());
      });
    });
  }

  async choose(title: string, items: readonly string[]): Promise<number> {
    this.print(`\n${title}`);
    items.forEach((item, i) => this.print(`  ${i + 1}) ${item}`));
    for (;;) {
      const answer = await this.question('Your choice: ');
      const index = Number(answer) - 1;
      if (Number.isInteger(index) && index >= 0 && index < items.length) return index;
      this.print(`Please answer a number from 1 to ${items.length}.`);
    }
  }

  async ask(question: string, options: AskOptions = {}): Promise<string> {
    for (;;) {
      const shownDefault = options.default !== undefined ? ` [${options.default}]` : '';
      const answer = (await this.question(`${question}${shownDefault} `, options.secret)) || options.default || '';
      const problem = options.validate ? await options.validate(answer) : answer === '' ? 'an answer is needed' : undefined;
      if (!problem) return answer;
      this.print(`  ${problem}`);
    }
  }

  async confirm(question: string): Promise<boolean> {
    const answer = await this.question(`${question} [y/N] `);
    return /^y(es)?$/i.test(answer);
  }

  print(text: string): void {
    this.output.write(`${text}\n`);
  }

  close(): void {
    this.rl.close();
  }
}
