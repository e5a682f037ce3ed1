import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MenuBack, type MenuUi } from '../../../src/cli/menu/menu-ui.js';
import nfsModule from '../../../src/modules/nfs/index.js';
import { listGoldenNodes } from '../../../src/modules/nfs/golden-nodes.js';
import { rootWithStaging } from '../../helpers/nfs-trees.js';
import { ScriptedUi } from '../../helpers/scripted-ui.js';
import { livenetMenu } from '../../../src/modules/livenet/menu.js';
import { MenuInterrupted } from '../../../src/cli/menu/menu-ui.js';

/** A MenuUi answering from a script; records the questions asked. */
function scriptedUi(answers: (string | number | boolean)[]): MenuUi & { asked: string[]; printed: string[] } {
  const queue = [...answers];
  const asked: string[] = [];
  const printed: string[] = [];
  const next = (question: string) => {
    asked.push(question);
    if (queue.length === 0) throw new Error(`no scripted answer for "${question}"`);
    return queue.shift();
  };
  return {
    asked, printed,
    async choose(title, items) {
      const answer = next(title);
      if (answer === 'Back') throw new MenuBack();
      return typeof answer === 'number' ? answer : items.indexOf(String(answer));
    },
    async ask(question, options) {
      // Refused answers are recorded and the next scripted one is taken, as the terminal asks again.
      for (;;) {
        const answer = String(next(question));
        const problem = await options?.validate?.(answer);
        if (!problem) return answer;
        printed.push(problem);
      }
    },
    async confirm(question) { return next(question) === true; },
    print(text) { printed.push(text); },
  };
}

test('the menu has the original\'s three actions: staging, golden from staging, manage golden nodes', async () => {
  assert.equal(nfsModule.menu?.length, 3);
  const { temp, services } = await rootWithStaging();
  try {
    const [, createGolden, manageNodes] = nfsModule.menu ?? [];
    await createGolden?.run(scriptedUi(['stage1', 'gold', true]), services);
    assert.equal((await services.images.status('gold')).image_class, 'NfsGoldenImage');
    const ui = scriptedUi(['gold', 'Add nodes', 'r[1-4', 'r[1-4]', 'Remove nodes', 'r2', true, 'Back']);
    await assert.rejects(manageNodes?.run(ui, services) ?? Promise.resolve(), MenuBack, '"Back" leaves to the module\'s list');
    assert.ok(ui.printed.some((line) => /r\[1-4/.test(line) && line !== 'r[1-4]'), 'a bad node set is explained');
    assert.equal(ui.asked.filter((q) => q.startsWith('Node set')).length, 3, 'a bad node set is asked again, not sent back to the main menu');
    assert.equal((await listGoldenNodes(services, 'gold')).nodes, 'r[1,3-4]');
    assert.ok(ui.printed.some((line) => line.startsWith('Nodes of gold: r[1-4]')));
    assert.ok(ui.asked.some((q) => /Delete the NFS trees of r2/.test(q)), 'removal asks for confirmation');
  } finally {
    await temp.cleanup();
  }
});

test('staging create asks the same OS questions as livenet create (SELinux and optimize included), then creates from them', async () => {
  const { temp, services, source: tree } = await rootWithStaging();
  try {
    const [createStaging] = nfsModule.menu ?? [];
    const [createLivenet] = livenetMenu;
    const source = `dir:${tree}`;
    // Name, kernel, type, source, release, packages, password twice, SSH key, SELinux, optimize; then each
    // menu's own last question (staging: confirm, livenet: size) is left with Ctrl-C.
    const osAnswers = [0, 0, source, '', '', 'pw', 'pw', '', true, false];
    const staging = new ScriptedUi(['stage2', ...osAnswers, 'CTRL-C']);
    await assert.rejects(createStaging?.run(staging, services) ?? Promise.resolve(), MenuInterrupted);
    const livenet = new ScriptedUi(['live2', ...osAnswers, 'CTRL-C']);
    await assert.rejects(createLivenet?.run(livenet, services) ?? Promise.resolve(), MenuInterrupted);
    const questions = (ui: ScriptedUi) => ui.shown.filter((line) => /[:?]$/.test(line)).slice(1, -1);
    assert.deepEqual(questions(staging), questions(livenet));
    for (const asked of ['Activate SELinux?', 'Same password again:']) assert.ok(staging.shown.includes(asked), asked);
  } finally {
    await temp.cleanup();
  }
});
