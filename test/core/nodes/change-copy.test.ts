import { test } from 'node:test';
import assert from 'node:assert/strict';
import { changeCopy } from '../../../src/core/nodes/change-copy.js';
import { emptyInventory } from '../../../src/core/nodes/inventory-file.js';

test('a change works on a copy: what it reads is copied, what it never reads is still the previous entry, the previous document never changes', () => {
  const previous = emptyInventory();
  previous.profiles.compute = { image: 'gold', vars: { a: '1' } };
  for (const name of ['c1', 'c2', 'c3']) previous.nodes[name] = { profiles: ['compute'], vars: { rack: 'r1' } };
  const before = JSON.stringify(previous);
  const copy = changeCopy(previous);
  const entry = copy.document.nodes.c1;
  assert.ok(entry);
  entry.vars = { rack: 'r9' };
  copy.document.profiles.compute!.vars = { a: '2' };
  copy.document.nodes.c4 = { profiles: ['compute'] };
  delete copy.document.nodes.c3;
  const after = copy.settle();
  assert.equal(JSON.stringify(previous), before, 'the previous document is untouched');
  assert.deepEqual(Object.keys(after.nodes), ['c1', 'c2', 'c4']);
  assert.equal(after.nodes.c2, previous.nodes.c2, 'an entry never read is the previous one');
  assert.notEqual(after.nodes.c1, previous.nodes.c1);
  assert.equal(after.nodes.c1?.vars?.rack, 'r9');
  assert.equal(Object.getPrototypeOf(after.nodes), null, 'node maps have no prototype (a node named constructor is just a node)');
  assert.ok(!('constructor' in after.nodes));
  // Listing every entry (a profile change walks all nodes) copies each one: changes to them never reach the previous document.
  const all = changeCopy(previous);
  for (const [, node] of Object.entries(all.document.nodes)) node.vars = { rack: 'x' };
  assert.equal(JSON.stringify(previous), before);
});
