import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OS_OPTIONS, osKeysFor } from '../../src/core/os/recipe-table.js';
import { ASKED_KEYS, NOT_ASKED } from '../../src/modules/os-questions.js';

test('the menus ask every OS option of the table a command line may give, or say why not', () => {
  const tableKeys = OS_OPTIONS.map((entry) => entry.key);
  assert.deepEqual([...ASKED_KEYS, ...NOT_ASKED].sort(), [...tableKeys].sort());
  // Whatever is asked is accepted from a command line, so the menu's answers pass the same checks.
  const cliKeys = osKeysFor('cli');
  for (const key of ASKED_KEYS) assert.ok(cliKeys.includes(key), key);
});
