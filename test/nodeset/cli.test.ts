// `nodeset` with many node set arguments: the same answer as the same names read from standard input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError } from '../../src/errors/index.js';
import { runNodesetCommand } from '../../src/nodeset/index.js';

/** `count` distinct numbers out of 1..range in a seeded shuffled order. */
function shuffled(count: number, range: number, seed: number): number[] {
  let state = seed;
  const pool = Array.from({ length: range }, (_, k) => k + 1);
  for (let k = pool.length - 1; k > 0; k--) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const j = Math.floor((state / 2 ** 32) * (k + 1));
    [pool[k], pool[j]] = [pool[j] as number, pool[k] as number];
  }
  return pool.slice(0, count);
}

function viaArgsAndStdin(mode: string, names: string[]): [string, string] {
  return [runNodesetCommand([mode, ...names]), runNodesetCommand([mode], `${names.join('\n')}\n`)];
}

test('folding 20,000 names given as 20,000 arguments equals folding them from standard input', () => {
  const names = shuffled(20_000, 30_000, 5).map((n) => `node${n}`);
  const [args, stdin] = viaArgsAndStdin('-f', names);
  assert.equal(args, stdin);
  assert.equal(runNodesetCommand(['-c', ...names]), '20000\n');
});

test('many arguments with padding, mixed prefixes, brackets and two dimensions fold as from standard input', () => {
  const numbers = shuffled(6_000, 9_000, 9);
  const names = numbers.map((n, k) => {
    switch (k % 6) {
      case 0: return `c${String(n).padStart(4, '0')}`; // padded
      case 1: return `c${n}`; // same prefix, unpadded
      case 2: return `gpu${n}-ib`; // another prefix and a suffix
      case 3: return `r${n % 7}n${n}`; // two dimensions
      case 4: return `r1n${n}`; // two dimensions, one varying
      default: return `x[${n},${n + 2}]`; // bracketed
    }
  });
  for (const mode of ['-f', '-e', '-c']) {
    const [args, stdin] = viaArgsAndStdin(mode, names);
    assert.equal(args, stdin, `nodeset ${mode}`);
  }
});

test('names given in order and in reverse order as arguments fold alike', () => {
  const names = Array.from({ length: 10_000 }, (_, k) => `n${2 * k + 1}`);
  const forward = runNodesetCommand(['-f', ...names]);
  assert.equal(runNodesetCommand(['-f', ...names.slice().reverse()]), forward);
  assert.equal(forward, `n[${Array.from({ length: 10_000 }, (_, k) => 2 * k + 1).join(',')}]\n`);
});

test('operations between runs of arguments still apply in order', () => {
  assert.equal(runNodesetCommand(['-f', 'n1', 'n2', 'n3', '-x', 'n2', 'n4', 'n5', '-i', 'n[1-4]']), 'n[1,3-4]\n');
  assert.equal(runNodesetCommand(['-f', 'n1', 'n2', '-X', 'n[2-3]', 'n9']), 'n[1,3,9]\n');
  // A multi-line argument is the union of its lines, beside one-line ones.
  assert.equal(runNodesetCommand(['-f', 'n1', 'n2\nn3', 'n7']), 'n[1-3,7]\n');
});

test('a bad argument among many is named in the error', () => {
  const names = Array.from({ length: 1_000 }, (_, k) => `n${k}`);
  names.splice(500, 0, 'n[1-');
  assert.throws(() => runNodesetCommand(['-f', ...names]), (error: unknown) =>
    error instanceof UsageError && error.code === 'E_NODESET_SYNTAX' && error.message.includes('"n[1-"'));
});
