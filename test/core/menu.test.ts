import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTempRoot } from '../helpers/temp-root.js';
import { runMainMenu } from '../../src/cli/menu/main-menu.js';
import { MenuInterrupted } from '../../src/cli/menu/terminal-ui.js';
import type { AskOptions, MenuUi } from '../../src/cli/menu/menu-ui.js';

type Answer = number | string | boolean | 'CTRL-C';

/** A menu UI that plays back answers (choices, text, confirmations) and records what was shown. */
class ScriptedUi implements MenuUi {
  readonly shown: string[] = [];
  constructor(private readonly answers: Answer[]) {}
  private next(): Answer {
    const answer = this.answers.shift();
    if (answer === undefined) throw new MenuInterrupted();
    if (answer === 'CTRL-C') throw new MenuInterrupted();
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
  print(text: string): void { this.shown.push(text); }
}

test('the main menu offers the original 8 actions, creates through a module and removes with confirmation', async () => {
  const t = await makeTempRoot();
  try {
    const services = await t.services();
    const demoIndex = services.activeModules.filter((m) => m.menu?.length).findIndex((m) => m.name === 'demo');
    const ui = new ScriptedUi([
      0, demoIndex, 0, 'menu-img', 'hi there', // 1: module > demo > create
      1, // 2: list
      2, 0, false, // 3: remove, pick, refuse
      2, 0, true, // 3: remove, pick, confirm
      7, // 8: exit
    ]);
    await runMainMenu(ui, services);
    assert.deepEqual(ui.shown.slice(1, 9), ['Manage or create images (through a module)', 'List images', 'Remove an image',
      "Change an image's kernel", 'List kernels', 'Generate an initramfs', 'Clear a corrupted image', 'Exit']);
    assert.ok(ui.shown.includes('Demo image menu-img created.'));
    assert.ok(ui.shown.some((line) => /my_message: hi there/.test(line)));
    assert.ok(ui.shown.includes('Image menu-img removed.'));
    assert.deepEqual(await services.images.list(), []);
  } finally {
    await t.cleanup();
  }
});

test('Ctrl-C in a sub-menu returns to the main menu; Ctrl-C in the main menu exits', async () => {
  const t = await makeTempRoot();
  try {
    const services = await t.services();
    const ui = new ScriptedUi([0, 'CTRL-C', 4, 'CTRL-C']);
    await runMainMenu(ui, services);
    assert.ok(ui.shown.includes('Back to the main menu.'));
    assert.ok(ui.shown.some((line) => /No kernels/.test(line)), 'the menu went on after the interrupt');
  } finally {
    await t.cleanup();
  }
});
