import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { withInventory } from '../../helpers/inventory.js';
import { nodeBlocks } from '../../../src/core/nodes/inventory-blocks.js';
import { emptyInventory, formatInventory, parseInventory, serializeInventory, type InventoryDocument } from '../../../src/core/nodes/inventory-file.js';

function inventory(): InventoryDocument {
  const document = emptyInventory();
  document.profiles.compute = { image: 'gold', overlays: ['hostname'] };
  for (let i = 1; i <= 30; i += 1) document.nodes[`c${String(i).padStart(3, '0')}`] = { profiles: ['compute'], vars: { rack: `r${i % 3}` } };
  document.nodes.c002 = { profiles: ['compute'], mac: ['52:54:00:00:00:02'], ip: '10.0.0.2', vars: { motd: 'say "hi": twice' } };
  document.nodes.c003 = {};
  document.servers = Object.assign(Object.create(null), { s1: { url: 'http://10.0.0.9/diskless' } });
  return document;
}

test('the blocks of a written nodes.yml are each node\'s lines, empty entries and the servers section included', () => {
  const text = formatInventory(inventory());
  const blocks = nodeBlocks(text);
  assert.ok(blocks);
  assert.equal(blocks.size, 30);
  assert.equal(blocks.get('c001'), '  c001:\n    profiles:\n      - compute\n    vars:\n      rack: r1');
  assert.equal(blocks.get('c003'), '  c003: {}');
  assert.equal(blocks.get('c030'), '  c030:\n    profiles:\n      - compute\n    vars:\n      rack: r0', 'the last node stops at the servers section');
});

test('a text of another shape gives no blocks (no node is copied from it)', () => {
  for (const text of ['nodes: {}\n', 'profiles: {}\nnodes: {c1: {image: gold}}\n', 'nodes:\n    c1:\n      image: gold\n', 'nodes:\n  "042":\n    image: gold\n', 'nodes:\n  c1:\n    image: gold']) {
    assert.equal(nodeBlocks(text), undefined, text);
  }
});

test('a change writing again only the nodes it changed gives the very text a whole rewrite gives, and reads back the same', () => {
  const previousText = formatInventory(inventory());
  const previous = parseInventory(previousText, 'nodes.yml');
  const next: InventoryDocument = { profiles: previous.profiles, nodes: Object.assign(Object.create(null), previous.nodes), servers: previous.servers };
  next.nodes.c005 = { profiles: ['compute'], vars: { rack: 'changed' } };
  next.nodes.c031 = { profiles: ['compute'] };
  delete next.nodes.c010;
  const whole = serializeInventory(next, 'nodes.yml');
  const reused = serializeInventory(next, 'nodes.yml', { document: previous, text: previousText });
  assert.equal(reused.text, whole.text);
  assert.deepEqual(reused.stored, whole.stored);
  assert.equal(reused.stored.nodes.c001, previous.nodes.c001, 'an untouched entry is the previous one itself');
  assert.deepEqual(parseInventory(reused.text, 'nodes.yml'), reused.stored);
});

test('a changed node is written from its values, not copied from the old text', () => {
  const previousText = formatInventory(inventory());
  const previous = parseInventory(previousText, 'nodes.yml');
  const next: InventoryDocument = { profiles: previous.profiles, nodes: Object.assign(Object.create(null), previous.nodes) };
  next.nodes.c007 = { ...previous.nodes.c007, vars: { rack: 'moved' } };
  const reused = serializeInventory(next, 'nodes.yml', { document: previous, text: previousText });
  assert.match(reused.text, /c007:\n {4}profiles:\n {6}- compute\n {4}vars:\n {6}rack: moved\n/u);
});

test('the store copies node text only from a file it wrote itself: after a hand edit, every node is written from its values', async () => {
  await withInventory(async (inventory, file) => {
    await inventory.addNodes('c[1-3]', { vars: { rack: 'a' } });
    // A person adds a comment inside a node, quotes a value and moves c3 first: the next change writes the file from its values, in order.
    const written = await readFile(file, 'utf8');
    const c3 = '  c3:\n    vars:\n      rack: a\n';
    const edited = written.replace(c3, '').replace('nodes:\n', `nodes:\n${c3}`).replace('  c2:\n', '  c2: # spare\n').replace('rack: a\n', 'rack: "a"\n');
    assert.notEqual(edited, written);
    await writeFile(file, edited);
    await inventory.changeNodes('c2', { vars: { rack: 'b' } });
    const text = await readFile(file, 'utf8');
    assert.doesNotMatch(text, /# spare|"a"/u);
    assert.match(text, /\n {2}c1:\n {4}vars:\n {6}rack: a\n {2}c2:\n {4}vars:\n {6}rack: b\n {2}c3:\n/u, 'sorted again, every value written from the inventory');
    // Its own writing, then: a change to c1 keeps the other nodes' text as it was, byte for byte.
    await inventory.changeNodes('c1', { vars: { rack: 'c' } });
    assert.equal(await readFile(file, 'utf8'), text.replace('  c1:\n    vars:\n      rack: a', '  c1:\n    vars:\n      rack: c'));
  });
});
