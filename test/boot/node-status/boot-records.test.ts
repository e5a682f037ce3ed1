import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLastSeen, parseRecords } from '../../../src/boot/node-status/boot-records.js';

const stage = { path: '/preboot_execution_environment/diskless/nodes/n01.ipxe', etag: '"1-2-3"', at: '2026-11-30T07:00:00.000Z' };

test('the last-seen reader of node list keeps exactly the nodes the full reader keeps, with the same times', () => {
  const text = JSON.stringify({
    nodes: {
      n01: { lastSeen: '2026-11-30T07:00:01.000Z', address: '10.0.0.1', stages: { nodeScript: stage } },
      n02: { lastSeen: '2026-11-30T07:00:02.000Z', address: '10.0.0.2', mac: '52-54-00-00-00-02', stages: {} },
      n03: { lastSeen: '2026-11-30T07:00:03.000Z', stages: {} },
      n04: { lastSeen: 42, address: '10.0.0.4' },
      n05: null,
      '../etc': { lastSeen: '2026-11-30T07:00:05.000Z', address: '10.0.0.5' },
      n06: { lastSeen: 'x'.repeat(65), address: '10.0.0.6' },
    },
    unknown: { count: 0, recent: [] },
  });
  const full = parseRecords(text);
  const seen = parseLastSeen(text);
  assert.deepEqual([...seen.keys()].sort(), ['n01', 'n02']);
  assert.deepEqual(Object.fromEntries(seen), Object.fromEntries(Object.entries(full.nodes).map(([name, record]) => [name, record.lastSeen])));
});

test('a damaged boot records file reads as no node seen, and says why', () => {
  const problems: string[] = [];
  assert.equal(parseLastSeen('{"nodes": {', (problem) => problems.push(problem)).size, 0);
  assert.equal(parseLastSeen('[1, 2]', (problem) => problems.push(problem)).size, 0);
  assert.equal(parseLastSeen('{"nodes": 3}', (problem) => problems.push(problem)).size, 0);
  assert.equal(problems.length, 2);
  assert.match(problems[0] ?? '', /^not valid JSON/);
  assert.equal(problems[1], 'not a JSON object');
});
