import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { formatInventory, serializeInventory, type InventoryDocument } from '../../../src/core/nodes/inventory-file.js';

test('nodes sharing one value in memory are each written out in full: the file has no YAML anchors or aliases to surprise a person editing it', () => {
  const profiles = ['compute'];
  const mac = ['52:54:00:00:00:01'];
  const document: InventoryDocument = {
    profiles: { compute: { image: 'gold' } },
    nodes: { n01: { profiles }, n02: { profiles, mac }, n03: { profiles } },
  };
  for (const text of [formatInventory(document), serializeInventory(document, 'nodes.yml').text]) {
    assert.doesNotMatch(text, /[&*]a\d/);
    assert.equal(text.match(/- compute/g)?.length, 3, text);
    assert.deepEqual((parse(text) as { nodes: Record<string, unknown> }).nodes.n03, { profiles: ['compute'] });
  }
});
