// Table of node set cases whose expected output was checked against ClusterShell 1.9.1's nodeset.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError } from '../../src/errors/index.js';
import { NodeSet, expandNodeSet, foldNodes, runNodesetCommand } from '../../src/nodeset/index.js';

const FOLDS: Array<[string, string, number]> = [
  ['node[1-10]', 'node[1-10]', 10],
  ['n[01-10]', 'n[01-10]', 10],
  ['n[1-10],n[01-03]', 'n[1-9,01-03,10]', 13],
  ['n[08,10-100]', 'n[08,10-99,100]', 92],
  ['n[1-10/2]', 'n[1,3,5,7,9]', 5],
  ['n[1,3,5-7]', 'n[1,3,5-7]', 5],
  ['n[9-11],n[001-002]', 'n[9-11,001-002]', 5],
  ['node7', 'node7', 1],
  ['login,admin', 'admin,login', 2],
  ['n[1-2]0', 'n[10,20]', 2],
  ['n0[1-2]', 'n[01-02]', 2],
  ['n1[0-2]', 'n[10-12]', 3],
  ['n[-5-3]', 'n[-5-3]', 9],
  ['r[1-2]n[1-3]', 'r[1-2]n[1-3]', 6],
  ['r[1-2]n[1-3],r3n1', 'r[1-2]n[1-3],r3n1', 7],
  ['r1n1,r1n2,r2n1', 'r1n[1-2],r2n1', 3],
  ['da[1-2]c[1-4]!da2c4', 'da1c[1-4],da2c[1-3]', 7],
  ['node[1-10]!node[3-5]', 'node[1-2,6-10]', 7],
  ['node[1-10]&node[5-13]', 'node[5-10]', 6],
  ['node[1-10]^node[5-13]', 'node[1-4,11-13]', 7],
  ['n[1-10]!n[3-5]&n[2-8]^n[7-12]', 'n[2,6,9-12]', 6],
  ['rack[1-2]-node[1-2]-ib', 'rack[1-2]-node[1-2]-ib', 4],
  ['a%b[1-2]', 'a%b[1-2]', 2],
  ['  n1 , n2  ', 'n[1-2]', 2],
  ['', '', 0],
];

test('folds, counts and expands the table of ClusterShell cases', () => {
  for (const [input, folded, count] of FOLDS) {
    const set = new NodeSet(input);
    assert.equal(set.fold(), folded, `fold of ${input}`);
    assert.equal(set.count, count, `count of ${input}`);
    assert.equal(set.size, count);
    assert.equal(set.expand().length, count, `expansion of ${input}`);
    // Folded text parses back to the same set.
    assert.equal(new NodeSet(folded).fold(), folded, `refold of ${folded}`);
  }
});

test('expands in ClusterShell order: shorter indexes first, then padded, patterns sorted', () => {
  assert.deepEqual(expandNodeSet('n[9-10],n[01-02],m1'), ['m1', 'n9', 'n01', 'n02', 'n10']);
  assert.deepEqual(expandNodeSet('r[1-2]n[1-2]'), ['r1n1', 'r1n2', 'r2n1', 'r2n2']);
  assert.deepEqual([...new NodeSet('x[3-4]')], ['x3', 'x4']);
});

test('folds a list of node names', () => {
  assert.equal(foldNodes(['n3', 'n1', 'n2', 'n10', 'login', 'n1']), 'login,n[1-3,10]');
  assert.equal(foldNodes(['r1n1', 'r1n2', 'r2n1', 'r2n2']), 'r[1-2]n[1-2]');
  assert.equal(foldNodes(['n[1-3]', 'n5']), 'n[1-3,5]');
  assert.equal(NodeSet.fromNodes([]).fold(), '');
});

test('set operations return new sets and leave the operands alone', () => {
  const a = new NodeSet('n[1-10]');
  assert.equal(a.union('n[11-12]').fold(), 'n[1-12]');
  assert.equal(a.difference(new NodeSet('n[2-9]')).fold(), 'n[1,10]');
  assert.equal(a.intersection('n[8-20]').fold(), 'n[8-10]');
  assert.equal(a.symmetricDifference('n[8-20]').fold(), 'n[1-7,11-20]');
  assert.equal(a.fold(), 'n[1-10]');
  assert.ok(a.contains('n5'));
  assert.ok(a.contains('n[2-4]'));
  assert.ok(!a.contains('n11'));
  assert.ok(!a.contains('n05'), 'n05 and n5 are different nodes');
  assert.ok(new NodeSet('r[1-2]n[1-3]').contains('r2n3'));
  assert.ok(a.equals('n[1-5],n[6-10]'));
});

test('handles a million nodes as ranges', () => {
  const big = new NodeSet('node[1-1000000]');
  assert.equal(big.count, 1000000);
  assert.equal(big.difference('node[2-999999]').fold(), 'node[1,1000000]');
  const names = big.expand();
  assert.equal(names.length, 1000000);
  assert.equal(names[999999], 'node1000000');
  assert.equal(foldNodes(names), 'node[1-1000000]');
});

test('rejects bad syntax with E_NODESET_SYNTAX naming the bad part', () => {
  const cases: Array<[string, RegExp]> = [
    ['n[01-100]', /padding length mismatch in "01-100"/],
    ['n[1-3', /missing bracket/],
    ['n1-3]', /illegal closing bracket/],
    ['n[]', /empty range/],
    ['n[5-1]', /range "5-1" goes backwards/],
    ['a,,b', /missing node set operand/],
    ['n[1-2]!', /missing node set operand/],
    ['n[1][2]', /illegal reopening bracket/],
    ['n[1-4/2]0', /illegal trailing digits/],
    ['@compute', /node groups/],
  ];
  for (const [input, message] of cases) {
    assert.throws(() => new NodeSet(input), (error: unknown) => {
      assert.ok(error instanceof UsageError, `${input} throws a UsageError`);
      assert.equal(error.code, 'E_NODESET_SYNTAX');
      assert.match(error.message, message);
      assert.ok(error.message.includes(input), `message names the input ${input}`);
      return true;
    });
  }
});

test('the nodeset command folds, expands and counts like ClusterShell', () => {
  assert.equal(runNodesetCommand(['-f', 'n[1-3]', 'n5']), 'n[1-3,5]\n');
  assert.equal(runNodesetCommand(['-e', 'n[1-3]']), 'n1 n2 n3\n');
  assert.equal(runNodesetCommand(['-c', 'n[1-3]', 'n[2-4]']), '4\n');
  assert.equal(runNodesetCommand(['-f', '-x', 'n2', 'n[1-4]']), 'n[1-4]\n');
  assert.equal(runNodesetCommand(['-f', 'n[1-4]', '-x', 'n2']), 'n[1,3-4]\n');
  assert.equal(runNodesetCommand(['-f'], 'n3 n1\nn2 # comment\n'), 'n[1-3]\n');
  assert.equal(runNodesetCommand(['-e', '']), '\n');
});

test('the nodeset command rejects bad usage', () => {
  const usage = (args: string[], code: string) => assert.throws(() => runNodesetCommand(args),
    (error: unknown) => error instanceof UsageError && error.code === code);
  usage(['n1'], 'E_NODESET_USAGE');
  usage(['-f', '-e', 'n1'], 'E_NODESET_USAGE');
  usage(['-f', '--bogus', 'n1'], 'E_NODESET_USAGE');
  usage(['-f'], 'E_NODESET_USAGE');
  usage(['-f', 'n[1-'], 'E_NODESET_SYNTAX');
});
