import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_NODESET_SIZE, checkStrictNodeSet } from '../../src/nodeset/strict.js';
import { expandNodeNames, isNodeName } from '../../src/nodeset/node-names.js';
import { NodeSet } from '../../src/nodeset/nodeset.js';
import { makeTempRoot } from '../helpers/temp-root.js';
import { runCli } from '../helpers/run-cli.js';

test('the strict reading counts nodes from the text, as written', () => {
  assert.equal(checkStrictNodeSet('n[1-10]'), 10);
  assert.equal(checkStrictNodeSet('rack[1-2]-n[01-04],login1'), 9);
  assert.equal(checkStrictNodeSet('n[1-10/2]'), 5);
  assert.equal(checkStrictNodeSet('n[1-10]!n[3-4]'), 12, 'each term adds: the real set is never larger');
  assert.equal(checkStrictNodeSet(`n[1-${MAX_NODESET_SIZE}]`), MAX_NODESET_SIZE);
});

test('sets over the limit are refused from the text alone, at once', () => {
  for (const text of ['n[1-999999999]', 'n[1-20000000]', `n[1-${MAX_NODESET_SIZE + 1}]`, 'a[1-1000]b[1-1000]',
    'n[1-999999999999999999999999]', 'n[1-999999998/2]', `n[1-${MAX_NODESET_SIZE}],extra`]) {
    assert.throws(() => expandNodeNames(text), { code: 'E_NODESET_TOO_LARGE', kind: 'usage' }, text);
  }
  assert.throws(() => expandNodeNames('n[1-999999999]'), /more than the limit of 100000/);
});

test('lenient ClusterShell readings are refused where state changes, kept by NodeSet', () => {
  for (const text of ['fortoy[2-3,36-40-44]', 'n[-1-2]', 'n[-3]', 'n[1-2', 'n1-2]', 'n[[1-2]]', 'n[1-2][3]',
    'n[ 1-2]', 'n[5-1]', 'n[1-10/0]', 'n1,,n2', ',n1', 'n1!', 'n[]']) {
    assert.throws(() => expandNodeNames(text), { code: 'E_NODESET_SYNTAX', kind: 'usage' }, text);
  }
  // The ClusterShell-compatible reading is unchanged: the typo still means 85 nodes there.
  assert.equal(new NodeSet('fortoy[2-3,36-40-44]').count, 85);
  assert.equal(new NodeSet('n[-1-2]').count, 4);
});

test('node names are host names or FQDNs: labels up to 63 characters, 250 in all', () => {
  const fqdn69 = `compute-node-0001.rack-12.row-b.datacenter-east.cluster.example.org`.padEnd(69, 'x');
  assert.equal(fqdn69.length, 69);
  assert.equal(isNodeName(fqdn69), true);
  const label63 = 'a'.repeat(63);
  const longest = [label63, label63, label63, 'b'.repeat(250 - 3 * 64)].join('.');
  assert.equal(longest.length, 250);
  assert.equal(isNodeName(longest), true);
  assert.equal(isNodeName(`${longest}c`), false, 'the node script <name>.ipxe must fit in a file name');
  assert.equal(isNodeName('a'.repeat(64)), false, 'a label stops at 63');
  for (const bad of ['', '.n1', 'n1.', 'a..b', '-n1', 'n1.-x', '../etc', 'n 1', 'n/1']) assert.equal(isNodeName(bad), false, bad);
  for (const good of ['n1', 'c001', '52-54-00-12-34-56', 'node_1.example.org']) assert.equal(isNodeName(good), true, good);
});

test('a backwards range gets the same one line from nodeset -e (ClusterShell syntax) as from boot set (strict names)', async () => {
  const t = await makeTempRoot();
  try {
    const expand = await runCli(['nodeset', '-e', 'n[5-1]'], { root: t.root });
    const boot = await runCli(['boot', 'set', 'n[5-1]', 'img'], { root: t.root });
    for (const run of [expand, boot]) assert.equal(run.exitCode, 2);
    assert.equal(expand.stderr, boot.stderr);
    assert.match(boot.stderr, /^disklessset: invalid node set "n\[5-1\]": range "5-1" goes backwards; write the lower bound first/);
  } finally {
    await t.cleanup();
  }
});
