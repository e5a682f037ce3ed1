/**
 * What the recorder believes of a request: the source address of a node with
 * a registered ip over the `?node=` it names, and no control character from a
 * request on the way to `node status`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BootRecorder } from '../../../src/boot/node-status/index.js';
import { readRecords } from '../../../src/boot/node-status/boot-records.js';
import type { ServedEvent } from '../../../src/serve/served-event.js';
import { makeTempRoot, type TempRoot } from '../../helpers/temp-root.js';

const D = '/preboot_execution_environment/diskless';

function event(query: string, remoteAddress: string, path = `${D}/nodes/c1.ipxe`): ServedEvent {
  return { path, query, remoteAddress, etag: '"1-2-3"', status: 200, bytes: 10, complete: true };
}

async function withRoot(run: (root: TempRoot, recorder: BootRecorder, file: string) => Promise<void>): Promise<void> {
  const root = await makeTempRoot();
  try {
    const services = await root.services();
    await services.inventory.addNodes('c1', { ip: '192.0.2.11', mac: ['52:54:00:00:00:01'] });
    await services.inventory.addNodes('c2', {});
    const recorder = await new BootRecorder(services.paths, services.inventory, { schedule: () => undefined }).open();
    await run(root, recorder, services.paths.nodeBootsFile);
  } finally {
    await root.cleanup();
  }
}

test('a request naming a node with a registered address from another address is not that node\'s: it is kept as a mismatched request', () => withRoot(async (root, recorder, file) => {
  recorder.observe(event('node=c1', '192.0.2.99'));
  recorder.observe(event('mac=52-54-00-00-00-01', '::ffff:192.0.2.98'));
  await recorder.flush();
  let records = await readRecords(file);
  assert.equal(records.nodes.c1, undefined, 'c1 is not marked as booted by someone else');
  assert.equal(records.unknown.count, 2);
  assert.deepEqual(records.unknown.recent.map((entry) => [entry.name, entry.address, entry.registeredAddress]),
    [['c1', '192.0.2.99', '192.0.2.11'], ['', '::ffff:192.0.2.98', '192.0.2.11']]);

  // From its own address (IPv4 mapped into IPv6 too) the node is recorded; a node without ip is believed on its name.
  recorder.observe(event('node=c1', '::ffff:192.0.2.11'));
  recorder.observe(event('node=c2', '198.51.100.5', `${D}/nodes/c2.ipxe`));
  await recorder.flush();
  records = await readRecords(file);
  assert.equal(records.nodes.c1?.address, '::ffff:192.0.2.11');
  assert.equal(records.nodes.c2?.address, '198.51.100.5');
  assert.equal(records.unknown.count, 2);

  const status = await root.cli(['node', 'status']);
  assert.equal(status.exitCode, 0, status.stderr);
  assert.match(status.stdout, /2 request\(s\) named no inventory node, or came from an address its node is not registered at \(latest: - 52-54-00-00-00-01 from ::ffff:192\.0\.2\.98, not its registered address 192\.0\.2\.11 for/);
}));

test('control characters a request sends never reach the terminal output of node status', () => withRoot(async (root, recorder, file) => {
  recorder.observe(event(`node=${encodeURIComponent('\u001b[2J\u001b]0;owned\u0007\nfake line\u009b')}`, '192.0.2.50', `${D}/nodes/x.ipxe`));
  await recorder.flush();
  const recorded = (await readRecords(file)).unknown.recent[0];
  assert.equal(recorded?.name, '\\x1b[2J\\x1b]0;owned\\x07\\x0afake line\\x9b', 'stored escaped');
  const status = await root.cli(['node', 'status']);
  assert.equal(status.exitCode, 0, status.stderr);
  // eslint-disable-next-line no-control-regex -- the test looks for exactly these
  assert.doesNotMatch(status.stdout.replace(/\n/g, ''), /[\u0000-\u001f\u007f-\u009f]/);
  assert.match(status.stdout, /latest: \\x1b\[2J\\x1b\]0;owned\\x07\\x0afake line\\x9b - from 192\.0\.2\.50/);

  // A hand-edited state file holding raw control characters is escaped at display too.
  const { writeFile } = await import('node:fs/promises');
  await writeFile(file, JSON.stringify({ nodes: {}, unknown: { count: 1, recent: [{ name: 'a\u001bb', address: '1.2.3.4', path: '/p\u0007', at: '2026-01-01T00:00:00.000Z' }] } }));
  const edited = await root.cli(['node', 'status']);
  assert.match(edited.stdout, /latest: a\\x1bb - from 1\.2\.3\.4 for \/p\\x07\)/);
}));
