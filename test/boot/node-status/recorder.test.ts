/**
 * The recorder's writes: debounced (one write per interval however many
 * requests), written at close, kept for the next write when one fails, and
 * atomic (a writer killed at any moment leaves a whole file).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BootRecorder } from '../../../src/boot/node-status/index.js';
import { emptyRecords, readRecords, writeRecords } from '../../../src/boot/node-status/boot-records.js';
import type { ServedEvent } from '../../../src/serve/served-event.js';
import { REPO_ROOT, makeTempRoot } from '../../helpers/temp-root.js';

const D = '/preboot_execution_environment/diskless';

function event(node: string, path = `${D}/nodes/${node}.ipxe`): ServedEvent {
  return { path, query: `node=${node}&mac=52-54-00-00-00-01`, remoteAddress: '192.0.2.7', etag: '"1-2-3"', status: 200, bytes: 10, complete: true };
}

async function withRecorder(run: (recorder: BootRecorder, scheduled: { write: () => void; delayMs: number }[], file: string) => Promise<void>): Promise<void> {
  const temp = await makeTempRoot();
  try {
    const services = await temp.services();
    await services.inventory.addNodes('c[1-3]', {});
    const scheduled: { write: () => void; delayMs: number }[] = [];
    const recorder = await new BootRecorder(services.paths, services.inventory, {
      schedule: (write, delayMs) => scheduled.push({ write, delayMs }),
    }).open();
    await run(recorder, scheduled, services.paths.nodeBootsFile);
  } finally {
    await temp.cleanup();
  }
}

async function saved(file: string): Promise<Record<string, { address: string }>> {
  return (JSON.parse(await readFile(file, 'utf8')) as { nodes: Record<string, { address: string }> }).nodes;
}

test('many requests make one scheduled write after the interval; nothing is written before it runs', async () => {
  await withRecorder(async (recorder, scheduled, file) => {
    for (let i = 0; i < 1000; i += 1) recorder.observe(event(`c${(i % 3) + 1}`));
    assert.equal(scheduled.length, 1, 'one write scheduled for the whole burst');
    assert.equal(scheduled[0]?.delayMs, 2000);
    await assert.rejects(readFile(file), { code: 'ENOENT' }, 'no I/O per request');
    scheduled[0]?.write();
    await recorder.flush();
    assert.deepEqual(Object.keys(await saved(file)).sort(), ['c1', 'c2', 'c3']);
    recorder.observe(event('c1'));
    assert.equal(scheduled.length, 2, 'the next request after a write schedules the next one');
  });
});

test('close writes what is left without waiting for the interval, and records nothing after', async () => {
  await withRecorder(async (recorder, scheduled, file) => {
    recorder.observe(event('c2'));
    await recorder.close();
    assert.deepEqual(Object.keys(await saved(file)), ['c2']);
    recorder.observe(event('c3'));
    await recorder.flush();
    assert.deepEqual(Object.keys(await saved(file)), ['c2']);
    assert.equal(scheduled.length, 1);
  });
});

test('requests without node identity are ignored; a failed write keeps the changes for the next one', async () => {
  await withRecorder(async (recorder, scheduled, file) => {
    recorder.observe({ ...event('c1'), query: '' });
    assert.equal(scheduled.length, 0);
    recorder.observe(event('c1'));
    // A folder where the file should be: the write fails (as on a full or read-only disk), even as root.
    await mkdir(join(file, 'blocker'), { recursive: true });
    const errors: unknown[] = [];
    await recorder.flush().catch((error: unknown) => errors.push(error));
    assert.equal(errors.length, 0, 'a failed scheduled write does not throw into the server');
    await rm(file, { recursive: true });
    // The write already scheduled for the request runs later and carries the kept changes.
    assert.equal(scheduled.length, 1);
    scheduled[0]?.write();
    await recorder.flush();
    assert.deepEqual(Object.keys(await saved(file)), ['c1']);
  });
});

test('a writer killed at any moment leaves the old or the new state file, whole', async () => {
  const temp = await makeTempRoot();
  try {
    const file = join(temp.root, 'node-boots.json');
    const records = emptyRecords();
    const at = '2026-11-30T00:00:00.000Z';
    for (let i = 0; i < 2000; i += 1) {
      records.nodes[`c${i}`] = { lastSeen: at, address: '192.0.2.1', stages: { nodeScript: { path: `${D}/nodes/c${i}.ipxe`, etag: `"${i}-1-2"`, at }, kernel: { path: `${D}/kernels/vmlinuz-6.1.0-28-amd64`, etag: '"b-1-2"', at } } };
    }
    await writeRecords(file, records);
    const module = join(REPO_ROOT, 'dist', 'src', 'boot', 'node-status', 'boot-records.js');
    // The child rewrites the file in a loop and says when each write starts; it is killed after a varying number of them.
    const script = `import { readRecords, writeRecords } from ${JSON.stringify(module)};
      const file = ${JSON.stringify(file)}; let n = 0;
      for (;;) { const r = await readRecords(file); r.unknown.count = ++n; process.stdout.write('w'); await writeRecords(file, r); }`;
    for (let kill = 0; kill < 8; kill += 1) {
      const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
      let writes = 0;
      await new Promise<void>((resolve) => {
        child.stdout.on('data', (chunk: Buffer) => {
          writes += chunk.length;
          if (writes > kill * 3) {
            child.kill('SIGKILL');
            resolve();
          }
        });
      });
      await new Promise((resolve) => child.once('exit', resolve));
      const text = await readFile(file, 'utf8');
      assert.equal((JSON.parse(text) as { format: number }).format, 2, 'written in the current format');
      const read = await readRecords(file, (line) => assert.fail(line));
      assert.equal(Object.keys(read.nodes).length, 2000, `after kill ${kill + 1} the file is whole`);
      assert.deepEqual(read.nodes.c1999, records.nodes.c1999, 'every record with its files');
    }
    // Leftovers of killed writers are dot-files beside it, never the file itself.
    assert.ok((await readdir(temp.root)).filter((name) => name.startsWith('node-boots')).length === 1);
  } finally {
    await temp.cleanup();
  }
});

test('a damaged state file is read as empty records rather than trusted', async () => {
  await withRecorder(async (recorder, _scheduled, file) => {
    await writeFile(file, JSON.stringify({ nodes: { '../../etc': { lastSeen: 'x', address: 'y', stages: {} }, c1: 'garbage' }, unknown: { count: -5 } }));
    recorder.observe(event('c3'));
    await recorder.flush();
    const after = JSON.parse(await readFile(file, 'utf8')) as { nodes: Record<string, unknown>; unknown: { count: number } };
    assert.deepEqual(Object.keys(after.nodes), ['c3']);
    assert.equal(after.unknown.count, 0);
  });
});

test('a server that finds the format earlier versions wrote keeps every record and writes the current format', async () => {
  await withRecorder(async (recorder, _scheduled, file) => {
    const at = '2026-11-29T10:00:00.000Z';
    const old = { lastSeen: at, address: '192.0.2.2', mac: '52-54-00-00-00-02', stages: { kernel: { path: `${D}/kernels/vmlinuz-6.1.0-28-amd64`, etag: '"b-1-2"', at } } };
    // Written before this server started, and a node this server's inventory does not hold (another server's).
    await writeFile(file, JSON.stringify({ nodes: { c2: old, other9: { ...old, address: '192.0.2.9' } }, unknown: { count: 4, recent: [] } }));
    recorder.observe(event('c1'));
    await recorder.flush();
    assert.equal((JSON.parse(await readFile(file, 'utf8')) as { format: number }).format, 2);
    const records = await readRecords(file);
    assert.deepEqual(Object.keys(records.nodes).sort(), ['c1', 'c2', 'other9']);
    assert.deepEqual(records.nodes.c2, old);
    assert.equal(records.unknown.count, 4);
  });
});

test('what another server writes between two writes of this one is kept', async () => {
  await withRecorder(async (recorder, _scheduled, file) => {
    recorder.observe(event('c1'));
    await recorder.flush();
    const records = await readRecords(file);
    records.nodes.other9 = { lastSeen: '2026-11-30T09:00:00.000Z', address: '192.0.2.9', stages: {} };
    await writeRecords(file, records);
    recorder.observe(event('c3'));
    await recorder.flush();
    assert.deepEqual(Object.keys((await readRecords(file)).nodes).sort(), ['c1', 'c3', 'other9']);
  });
});
