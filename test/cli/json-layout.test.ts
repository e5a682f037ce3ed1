/**
 * The layout of a --json answer (docs/json.md): one line for a pipe or a
 * file, which scripts and Ansible read (the status of 10,000 nodes is a
 * third smaller that way), indented for a person at a terminal. Same value.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { main } from '../../src/cli/main.js';
import { makeTempRoot } from '../helpers/temp-root.js';

async function answer(root: string, terminal: boolean): Promise<string> {
  let text = '';
  const stdout = { isTTY: terminal, columns: 100, write(chunk: string, done?: () => void) { text += chunk; done?.(); return true; } };
  const stderr = { isTTY: false, write(_chunk: string, done?: () => void) { done?.(); return true; } };
  const stdin = Object.assign(Readable.from([]), { isTTY: false });
  const code = await main(['--root', root, '--json', 'node', 'list'], { stdout, stderr, stdin, env: { NO_COLOR: '1' }, signal: new AbortController().signal });
  assert.equal(code, 0);
  return text;
}

test('--json answers on one line to a pipe and indented to a terminal, the same value', async () => {
  const t = await makeTempRoot();
  try {
    assert.equal((await t.cli(['node', 'add', 'n[1-3]', '--var', 'rack=a1'])).exitCode, 0);
    const piped = await answer(t.root, false);
    const shown = await answer(t.root, true);
    assert.equal(piped.split('\n').length, 2, 'one line and its newline');
    assert.ok(shown.split('\n').length > 10, shown);
    assert.match(shown, /^\[\n {2}\{\n {4}"name": "n1"/);
    assert.deepEqual(JSON.parse(piped), JSON.parse(shown));
    assert.equal((JSON.parse(piped) as unknown[]).length, 3);
  } finally {
    await t.cleanup();
  }
});
