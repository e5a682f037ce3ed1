import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTempRoot } from '../helpers/temp-root.js';
import type { AskOptions, MenuUi } from '../../src/cli/menu/menu-ui.js';
import { livenetMenu } from '../../src/modules/livenet/menu.js';
import { verifySha512Crypt } from '../../src/core/os/password.js';
import { addDummyKernel, makeBusyboxTree } from './fixtures.js';

/** Plays back answers and records the prompts. */
class ScriptedUi implements MenuUi {
  readonly shown: string[] = [];
  constructor(private readonly answers: (number | string | boolean)[]) {}
  private next(): number | string | boolean {
    const answer = this.answers.shift();
    if (answer === undefined) throw new Error(`no answer left after: ${this.shown.at(-1)}`);
    return answer;
  }
  async choose(title: string, items: readonly string[]): Promise<number> { this.shown.push(title, ...items); return this.next() as number; }
  async ask(question: string, options?: AskOptions): Promise<string> {
    this.shown.push(question);
    const answer = String(this.next());
    const problem = await options?.validate?.(answer);
    if (problem) throw new Error(problem);
    return answer;
  }
  async confirm(question: string): Promise<boolean> { this.shown.push(question); return this.next() as boolean; }
  print(text: string): void { this.shown.push(text); }
}

test('the livenet menu offers the original 4 actions: create, mount, unmount, resize', async () => {
  const t = await makeTempRoot();
  const tree = await makeBusyboxTree(t.root);
  try {
    const services = await t.services();
    await addDummyKernel(services.paths.kernelsDir);
    assert.deepEqual(livenetMenu.map((a) => a.label.split(' ')[0]), ['Create', 'Mount', 'Unmount', 'Resize']);
    const [create, mount, unmount, resize] = livenetMenu;
    const ui = new ScriptedUi(['menu1', 'node-pw', 0, 1, `dir:${tree}`, '150M', '', false, '', '', false]);
    await create?.run(ui, services);
    assert.ok(ui.shown.includes('Livenet image menu1 created.'));
    const image = await services.images.get('menu1');
    assert.equal(image.data.livenet_type, 'small');
    assert.ok(verifySha512Crypt('node-pw', String(image.data.password)));

    await mount?.run(new ScriptedUi([0]), services);
    assert.equal((await services.images.get('menu1')).data.is_mounted, true);
    await unmount?.run(new ScriptedUi([0]), services);
    assert.equal((await services.images.get('menu1')).data.is_mounted, false);
    const resizeUi = new ScriptedUi([0, '1G', true]);
    await resize?.run(resizeUi, services);
    assert.equal((await services.images.get('menu1')).data.livenet_size, 1024);
    await assert.rejects(resize?.run(new ScriptedUi([0, '20M']), services) ?? Promise.resolve(), /out of range/);
  } finally {
    await t.cleanup();
  }
});
