/**
 * The text of node-boots.json: format 2 stores each fetched file version
 * once, reads back exactly what was written, still reads the format earlier
 * versions wrote, and trusts nothing of a damaged row.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emptyRecords, parseLastSeen, parseRecords, type BootRecords } from '../../../src/boot/node-status/boot-records.js';
import { RECORDS_FORMAT, serializeRecords } from '../../../src/boot/node-status/records-format.js';

const D = '/preboot_execution_environment/diskless';

/** `count` nodes that booted image gold: their own script, then the image's four shared files. */
function bootedRecords(count: number): BootRecords {
  const records = emptyRecords();
  for (let i = 1; i <= count; i += 1) {
    const at = (step: number) => new Date(Date.UTC(2026, 10, 30, 7, 0, 0) + i * 13 + step * 250).toISOString();
    records.nodes[`c${i}`] = {
      lastSeen: at(5), address: `192.0.2.${i}`, ...(i % 2 === 0 ? { mac: `52-54-00-00-00-${String(i).padStart(2, '0')}` } : {}),
      stages: {
        nodeScript: { path: `${D}/nodes/c${i}.ipxe`, etag: `"${i}-1-2"`, at: at(0) },
        bootFile: { path: `${D}/images/gold/boot.ipxe`, etag: '"a-1-2"', at: at(1) },
        kernel: { path: `${D}/kernels/vmlinuz-6.1.0-28-amd64`, etag: '"b-1-2"', at: at(2) },
        initramfs: { path: `${D}/kernels/initramfs-kernel-6.1.0-28-amd64`, etag: '"c-1-2"', at: at(3) },
        rootImage: { path: `${D}/images/gold/squashfs-0123456789ab.img`, etag: '"d-1-2"', at: at(5) },
      },
    };
  }
  records.unknown = { count: 3, recent: [{ name: 'x1', address: '198.51.100.1', path: `${D}/nodes/x1.ipxe`, at: '2026-11-30T07:00:00.000Z' }] };
  return records;
}

test('format 2 reads back exactly the records written, and stores each file version once however many nodes fetched it', () => {
  const records = bootedRecords(40);
  // Times on both sides of the epoch and of a second come back to the millisecond.
  for (const [name, lastSeen, at] of [['old1', '1969-12-31T23:59:59.999Z', '1969-12-31T23:59:58.001Z'], ['far1', '2100-01-01T00:00:00.000Z', '2099-12-31T23:59:59.999Z']] as const) {
    records.nodes[name] = { lastSeen, address: '192.0.2.99', stages: { kernel: { path: `${D}/kernels/vmlinuz-6.1.0-28-amd64`, etag: '"b-1-2"', at } } };
  }
  const text = serializeRecords(records);
  assert.deepEqual(parseRecords(text), records);
  const raw = JSON.parse(text) as { format: number; files: [string, string, string][] };
  assert.equal(raw.format, RECORDS_FORMAT);
  // 40 node scripts, and one entry for each of the image's four files.
  assert.equal(raw.files.length, 44);
  assert.equal(raw.files.filter(([stage]) => stage === 'kernel').length, 1);
  assert.ok(text.length < JSON.stringify(records).length / 2, 'well under half the size of format 1');
});

test('the format earlier versions wrote is still read whole, and written again in format 2 without losing a record', () => {
  const records = bootedRecords(5);
  const old = JSON.stringify(records);
  assert.deepEqual(parseRecords(old), records);
  assert.deepEqual(parseRecords(serializeRecords(parseRecords(old))), records);
  const seen = Object.fromEntries(Object.entries(records.nodes).map(([name, record]) => [name, record.lastSeen]));
  assert.deepEqual(Object.fromEntries(parseLastSeen(old)), seen);
  assert.deepEqual(Object.fromEntries(parseLastSeen(serializeRecords(records))), seen);
});

test('asked for some nodes, only theirs are read, in both formats', () => {
  const records = bootedRecords(6);
  for (const text of [JSON.stringify(records), serializeRecords(records)]) {
    assert.deepEqual(Object.keys(parseRecords(text, undefined, ['c2', 'c5', 'c9']).nodes), ['c2', 'c5']);
    assert.deepEqual([...parseLastSeen(text, undefined, ['c6', 'c9']).keys()], ['c6']);
  }
});

test('a damaged format 2 row keeps only what passes: bad names, heads, indexes and times are dropped', () => {
  const text = JSON.stringify({
    format: 2,
    files: [['kernel', `${D}/kernels/vmlinuz-6.1.0-28-amd64`, '"b-1-2"'], ['nonsense', '/x', '"1"'], ['rootImage', 42, '"d"']],
    nodes: {
      c1: ['2026-11-30T07:00:05.000Z', '192.0.2.1', '', 0, 1000, 1, 0, 2, 0, 'constructor', 0, 9, 0, 0, 'soon', -1, 0, 0, 1e300],
      c2: ['2026-11-30T07:00:05.000Z'],
      c3: 'garbage',
      '../etc': ['2026-11-30T07:00:05.000Z', '192.0.2.4', ''],
      c4: ['not a time', '192.0.2.5', '52-54-00-00-00-05', 0, 10],
    },
    unknown: { count: -1, recent: 'x' },
  });
  const records = parseRecords(text);
  assert.deepEqual(Object.keys(records.nodes).sort(), ['c1', 'c4']);
  assert.deepEqual(records.nodes.c1?.stages, { kernel: { path: `${D}/kernels/vmlinuz-6.1.0-28-amd64`, etag: '"b-1-2"', at: '2026-11-30T07:00:04.000Z' } });
  assert.equal(records.nodes.c1?.mac, undefined, 'an empty MAC is no MAC');
  // A last-seen text that is no time keeps the node seen, without files whose time cannot be known.
  assert.deepEqual(records.nodes.c4, { lastSeen: 'not a time', address: '192.0.2.5', mac: '52-54-00-00-00-05', stages: {} });
  assert.deepEqual(records.unknown, { count: 0, recent: [] });
  assert.deepEqual([...parseLastSeen(text).keys()].sort(), ['c1', 'c4']);
});

test('a damaged file reads as empty records in either reader, and says why', () => {
  const problems: string[] = [];
  assert.deepEqual(parseRecords('{"format": 2, "nodes": {', (problem) => problems.push(problem)), emptyRecords());
  assert.equal(parseLastSeen('[2]', (problem) => problems.push(problem)).size, 0);
  assert.match(problems[0] ?? '', /^not valid JSON/);
  assert.equal(problems[1], 'not a JSON object');
});
