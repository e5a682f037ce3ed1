import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ATTRIBUTE_KEYS, type NodeEntry, type ProfileEntry } from '../../../src/core/nodes/attributes.js';
import { changedProfiles, effectiveNode, effectiveValue, sameEntry, untouched } from '../../../src/core/nodes/effective.js';

const FULL: NodeEntry = {
  profiles: ['compute', 'gpu'], image: 'gold', kernelArgs: 'quiet', mac: ['52:54:00:00:00:01'], ip: '10.0.0.1',
  vars: { rack: 'a1', row: '3' }, overlays: ['hostname', 'site'], servers: ['main'], p2p: true,
};

/** The same entry with attribute `key` (or the profile list) given another value. */
function alteredIn(key: string): NodeEntry {
  const other: Record<string, unknown> = {
    profiles: ['gpu', 'compute'], image: 'silver', kernelArgs: 'debug', mac: ['52:54:00:00:00:02'], ip: '10.0.0.2',
    vars: { rack: 'a1', row: '4' }, overlays: ['site', 'hostname'], servers: ['backup'], p2p: false,
  };
  return { ...FULL, [key]: other[key] };
}

test('sameEntry sees a change in every attribute a node can have (a skipped node would keep a stale script or archive)', () => {
  assert.ok(sameEntry(FULL, structuredClone(FULL)));
  // Key order does not count: nodes.yml is written sorted, a change may build the entry in another order.
  assert.ok(sameEntry(FULL, { p2p: true, ...structuredClone(FULL), vars: { row: '3', rack: 'a1' } }));
  for (const key of ['profiles', ...ATTRIBUTE_KEYS]) {
    assert.equal(sameEntry(FULL, alteredIn(key)), false, `a change of ${key} is seen`);
    const without: Record<string, unknown> = { ...FULL };
    delete without[key];
    assert.equal(sameEntry(FULL, without as NodeEntry), false, `removing ${key} is seen`);
  }
  assert.equal(sameEntry(FULL, { ...FULL, vars: { rack: 'a1', row: '3', extra: 'x' } }), false, 'a variable added');
});

test('a node is untouched only when its entry and every profile it lists are unchanged', () => {
  const before: Record<string, ProfileEntry> = { compute: { image: 'gold' }, gpu: { vars: { gpu: 'a100' } }, spare: {} };
  const after: Record<string, ProfileEntry> = { compute: { image: 'gold' }, gpu: { vars: { gpu: 'h100' } } };
  const changed = changedProfiles(before, after);
  assert.deepEqual([...changed].sort(), ['gpu', 'spare']);
  const nodes: Record<string, NodeEntry> = { n1: { profiles: ['compute'] }, n2: { profiles: ['compute', 'gpu'] } };
  assert.ok(untouched('n1', nodes, { profiles: ['compute'] }, changed));
  assert.equal(untouched('n2', nodes, { profiles: ['compute', 'gpu'] }, changed), false, 'its profile gpu changed');
  assert.equal(untouched('n1', nodes, { profiles: ['compute'], ip: '10.0.0.9' }, changed), false, 'its own entry changed');
  assert.equal(untouched('n3', nodes, { profiles: ['compute'] }, changed), false, 'a new node');
});

test('effectiveValue gives what the full merge gives, for every attribute replaced whole', () => {
  const profiles: Record<string, ProfileEntry> = {
    compute: { image: 'gold', ip: '10.9.9.9', mac: ['52:54:00:00:00:09'], kernelArgs: 'quiet', servers: ['main'], p2p: true },
    late: { image: 'silver', kernelArgs: 'debug' },
  };
  const nodes: NodeEntry[] = [
    { profiles: ['compute', 'late'] },
    { profiles: ['late', 'compute'], ip: '10.0.0.1' },
    { profiles: ['missing', 'compute'], servers: ['backup'], p2p: false },
    {},
  ];
  for (const [index, node] of nodes.entries()) {
    const merged = effectiveNode(`n${index}`, node, profiles).attributes;
    for (const key of ['image', 'kernelArgs', 'mac', 'ip', 'servers', 'p2p'] as const) {
      assert.deepEqual(effectiveValue(node, profiles, key), merged[key], `n${index} ${key}`);
    }
  }
});
