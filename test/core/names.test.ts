import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempRoot } from '../helpers/temp-root.js';
import { validateImageName } from '../../src/core/names.js';

async function snapshot(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true });
  return entries.map(String).sort();
}

const MALICIOUS = ['../escape', '/etc/passwd', 'a/b', '-rf', '.hidden', 'x;rm -rf /', '$(reboot)', '`id`', 'name with space',
  'a'.repeat(65), '', 'new\nline', 'tab\tname', 'é', 'a|b', "quote'"];

test('malicious image names are refused with exit code 2 and change nothing', async () => {
  const t = await makeTempRoot();
  try {
    assert.equal((await t.cli(['demo', 'create', 'ok', '--message', 'm'])).exitCode, 0);
    const before = await snapshot(t.root);
    for (const name of MALICIOUS) {
      const result = await t.cli(['demo', 'create', name, '--message', 'm']);
      assert.equal(result.exitCode, 2, `name ${JSON.stringify(name)} must be refused: ${result.stderr}`);
      // A name starting with '-' is taken for an option: refused as well, by the parser.
      assert.match(result.stderr, name.startsWith('-') ? /unknown option/ : /invalid image name/);
      assert.equal(result.stderr.trim().split('\n').length, 1);
    }
    assert.deepEqual(await snapshot(t.root), before);
    assert.equal((await t.cli(['image', 'remove', '../ok', '--yes'])).exitCode, 2);
  } finally {
    await t.cleanup();
  }
});

test('valid names are accepted', () => {
  for (const name of ['a', 'compute_01', 'rocky-8.9', 'img+debug', 'A'.repeat(64)]) assert.equal(validateImageName(name), name);
  assert.ok(join('x', 'a').length > 0);
});

test('an OS source tree with file systems mounted below it is refused, and the whole system never is copied', async () => {
  const t = await makeTempRoot();
  try {
    const { assertNothingMounted, mountsUnder } = await import('../../src/system/mount.js');
    assert.ok((await mountsUnder('/')).length > 1, 'mounts below / are seen');
    await assert.rejects(assertNothingMounted('/'), (error: { code?: string }) => error.code === 'E_TREE_MOUNTED');
    await assertNothingMounted(t.root);
    const { unmountTree } = await import('../../src/system/mount.js');
    await assert.rejects(unmountTree('/'), (error: { code?: string }) => error.code === 'E_UNSAFE_PATH');
  } finally {
    await t.cleanup();
  }
});
