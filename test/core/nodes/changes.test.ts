import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyChanges, parseAttributeChanges } from '../../../src/core/nodes/changes.js';
import type { NodeEntry } from '../../../src/core/nodes/attributes.js';

const code = (expected: string) => (error: Error & { code?: string }) => error.code === expected;

function patched(entry: NodeEntry, patch: unknown): NodeEntry {
  const copy = structuredClone(entry);
  applyChanges(copy, parseAttributeChanges(patch, 'the body', true));
  return copy;
}

test('a merge patch sets what has a value and removes what is null, variable by variable', () => {
  const node: NodeEntry = { profiles: ['compute'], image: 'gold', mac: ['52:54:00:00:00:01'], ip: '10.0.0.1', vars: { rack: 'a', slot: '1' } };
  assert.deepEqual(patched(node, { image: null, mac: ['52-54-00-00-00-AA'], vars: { slot: null, row: '3' } }),
    { profiles: ['compute'], mac: ['52:54:00:00:00:aa'], ip: '10.0.0.1', vars: { rack: 'a', row: '3' } });
  assert.deepEqual(patched(node, { vars: null, profiles: null, ip: null }), { profiles: [], image: 'gold', mac: ['52:54:00:00:00:01'] });
  assert.deepEqual(patched(node, { vars: { rack: null, slot: null } }).vars, undefined, 'no empty vars map is kept');
  assert.deepEqual(patched(node, { profiles: ['gpu', 'gpu', 'compute'] }).profiles, ['gpu', 'compute']);
});

test('a patch is checked as the inventory file is: unknown keys with the nearest one, bad values, nothing to change', () => {
  assert.throws(() => parseAttributeChanges({ imgae: 'gold' }, 'the body', true), /did you mean image\?/);
  assert.throws(() => parseAttributeChanges({ profiles: ['a'] }, 'the body', false), code('E_UNKNOWN_OPTION'));
  assert.throws(() => parseAttributeChanges({ mac: 'zz' }, 'the body', true), code('E_NODE_MAC'));
  assert.throws(() => parseAttributeChanges({ vars: { 'a-b': 'x' } }, 'the body', true), code('E_NODE_VAR'));
  assert.throws(() => parseAttributeChanges({ vars: 'rack=a' }, 'the body', true), code('E_NODE_VAR'));
  assert.throws(() => parseAttributeChanges({}, 'the body', true), code('E_NOTHING_TO_CHANGE'));
  assert.throws(() => parseAttributeChanges({ vars: {} }, 'the body', true), code('E_NOTHING_TO_CHANGE'));
  assert.throws(() => parseAttributeChanges(['image'], 'the body', true), code('E_NODE_ENTRY'));
  assert.throws(() => parseAttributeChanges({ __proto__: null, constructor: 'x' }, 'the body', true), code('E_UNKNOWN_OPTION'));
});
