import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareNames } from '../../../src/core/nodes/name-order.js';

const collator = new Intl.Collator('en', { numeric: true });

test('natural order: n2 before n10, letters before case, and always the answer ICU collation gives', () => {
  assert.deepEqual(['n10', 'n2', 'N1', 'n1', 'c00010', 'c00002', 'gpu-01', 'gpu.01', 'gpu_01', 'a', 'B'].sort(compareNames),
    ['a', 'B', 'c00002', 'c00010', 'gpu_01', 'gpu-01', 'gpu.01', 'n1', 'N1', 'n2', 'n10']);
  // Random names over the characters node names use, sharing prefixes, against the collator itself.
  let seed = 7;
  const random = (n: number): number => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed % n; };
  const alphabet = 'aAbBzZ0123456789-._';
  const name = (): string => Array.from({ length: 1 + random(6) }, () => alphabet[random(alphabet.length)]).join('');
  for (let i = 0; i < 50_000; i += 1) {
    const prefix = name().slice(0, random(4));
    const [a, b] = [prefix + name(), prefix + name()];
    assert.equal(Math.sign(compareNames(a, b)), Math.sign(collator.compare(a, b)), `${a} against ${b}`);
  }
});
