/**
 * What each node booted, end to end on a temporary root: a real livenet image
 * (mksquashfs), nodes from the inventory, the real boot server on 127.0.0.1
 * with the recorder as its observer, then `node status` (library and CLI).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BootRecorder, nodeStatus, type NodeStatusReport } from '../../../src/boot/node-status/index.js';
import type { ServedEvent } from '../../../src/serve/served-event.js';
import type { BootServer } from '../../../src/serve/static-server.js';
import { parseSource } from '../../../src/core/os/sources.js';
import { sha512Crypt } from '../../../src/core/os/password.js';
import type { Services } from '../../../src/services/services.js';
import { addDummyKernel, makeBusyboxTree, TEST_KERNEL } from '../../helpers/livenet-fixtures.js';
import { makeTempRoot, type TempRoot } from '../../helpers/temp-root.js';
import { runCli } from '../../helpers/run-cli.js';
import { fetchAnswer, startServer, waitUntil } from '../../helpers/serve-fixture.js';

const D = '/preboot_execution_environment/diskless';
const MAC = '52-54-00-12-34-56';

interface Bench {
  temp: TempRoot;
  services: Services;
  server: BootServer;
  recorder: BootRecorder;
  seen: ServedEvent[];
  /** The OS tree the image is built from (a change to it makes the next rebuild a new version). */
  tree: string;
  /** GET with the node identity the iPXE scripts add; returns the ETag served. */
  get(path: string, node: string, mac?: string): Promise<string>;
  close(): Promise<void>;
}

async function setUp(): Promise<Bench> {
  const temp = await makeTempRoot();
  const tree = await makeBusyboxTree(temp.root);
  const services = await temp.services();
  await addDummyKernel(services.paths.kernelsDir);
  await services.images.create('LivenetImage', 'compute', {
    kernel: TEST_KERNEL, type: 'core', sizeMiB: 150, source: parseSource(`dir:${tree}`), passwordHash: sha512Crypt('n0de-pass'),
    selinux: false, packages: [], optimize: false, compression: 'gzip', layout: 'liveos',
  });
  await services.inventory.addNodes('c[001-002]', { image: 'compute' });
  const recorder = await new BootRecorder(services.paths, services.inventory).open();
  const seen: ServedEvent[] = [];
  const server = await startServer(services.paths.httpRoot, { onServed: (event) => { seen.push(event); recorder.observe(event); } });
  return {
    temp, services, server, recorder, seen, tree,
    async get(path, node, mac = MAC) {
      const before = seen.length;
      const answer = await fetchAnswer(server.url, `${path}?node=${encodeURIComponent(node)}&mac=${mac}`);
      assert.equal(answer.status, 200, `${path} is served whatever the query`);
      // The observer runs when the server side of the exchange closes, just after the client got the answer.
      await waitUntil(() => seen.length > before);
      return String(answer.headers.etag);
    },
    async close() {
      await server.close();
      await recorder.close();
      await temp.cleanup();
    },
  };
}

/** The node's status once what the recorder holds is written. */
async function statusOf(bench: Bench, node: string): Promise<NodeStatusReport['statuses'][number]> {
  await bench.recorder.flush();
  const report = await nodeStatus(bench.services, node);
  assert.equal(report.statuses.length, 1);
  return report.statuses[0] as NodeStatusReport['statuses'][number];
}

async function bootWholeChain(bench: Bench, node: string): Promise<Record<string, string>> {
  return {
    nodeScript: await bench.get(`${D}/nodes/${node}.ipxe`, node),
    bootFile: await bench.get(`${D}/images/compute/boot.ipxe`, node),
    kernel: await bench.get(`${D}/kernels/${TEST_KERNEL}`, node),
    initramfs: await bench.get(`${D}/kernels/initramfs-kernel-6.1.0-test`, node),
    // What boot.ipxe names: the current version's own root image (older versions stay on disk).
    rootImage: await bench.get(`${D}/images/compute/${await currentRootImage(bench)}`, node),
  };
}

async function currentRootImage(bench: Bench): Promise<string> {
  const script = await readFile(join(bench.services.paths.imageDir('compute'), 'boot.ipxe'), 'utf8');
  const name = /squashfs-[0-9a-f]{12}\.img/.exec(script)?.[0];
  assert.ok(name, 'boot.ipxe names a versioned root image');
  return name;
}

test('a node that fetched its whole boot chain is up to date, with the exact versions served; a rebuild makes it stale', async () => {
  const bench = await setUp();
  try {
    assert.equal((await statusOf(bench, 'c001')).state, 'never booted');
    const etags = await bootWholeChain(bench, 'c001');
    const booted = await statusOf(bench, 'c001');
    assert.equal(booted.state, 'up to date');
    assert.equal(booted.image, 'compute');
    assert.equal(booted.bootedImage, 'compute');
    assert.equal(booted.address, '127.0.0.1');
    assert.equal(booted.mac, MAC);
    assert.deepEqual(Object.fromEntries(booted.files.map((f) => [f.stage, f.bootedVersion])), etags, 'versions are the ETags the server sent');
    assert.ok(booted.files.every((f) => f.publishedVersion === f.bootedVersion));
    assert.deepEqual(booted.mismatches, []);

    // A rebuild of the same tree gives the same bytes: same version, the node stays up to date.
    await bench.services.images.rebuild('compute');
    assert.equal((await statusOf(bench, 'c001')).state, 'up to date', 'an unchanged rebuild keeps the version');
    await writeFile(join(bench.tree, 'etc', 'motd'), 'changed by the test\n');
    await bench.services.images.rebuild('compute');
    const after = await statusOf(bench, 'c001');
    assert.equal(after.state, 'stale', 'the new version has a new root image');
    const rootImage = after.files.find((f) => f.stage === 'rootImage');
    assert.notEqual(rootImage?.publishedVersion, etags.rootImage);
    assert.ok(after.staleReasons.some((reason) => /squashfs-[0-9a-f]{12}\.img is no longer the current version/.test(reason)), after.staleReasons.join('; '));

    // Booting again fetches the new version: up to date again.
    await bootWholeChain(bench, 'c001');
    assert.equal((await statusOf(bench, 'c001')).state, 'up to date');

    // Assigning another image makes the node stale too: a reboot would run it.
    await bench.services.images.create('DemoImage', 'other', { message: 'another image' });
    await bench.services.inventory.changeNodes('c001', { set: { image: 'other' } });
    const moved = await statusOf(bench, 'c001');
    assert.equal(moved.state, 'stale');
    assert.match(moved.staleReasons[0] ?? '', /assigned image is other, booted compute/);
  } finally {
    await bench.close();
  }
});

test('a node fetching a file of another image or another kernel is reported as a mismatch', async () => {
  const bench = await setUp();
  try {
    await addDummyKernel(bench.services.paths.kernelsDir, 'vmlinuz-6.9.0-other');
    await bench.services.images.create('DemoImage', 'other', { message: 'another image' });
    await bench.get(`${D}/nodes/c002.ipxe`, 'c002');
    await bench.get(`${D}/images/other/boot.ipxe`, 'c002');
    await bench.get(`${D}/kernels/vmlinuz-6.9.0-other`, 'c002');
    const status = await statusOf(bench, 'c002');
    assert.deepEqual(status.mismatches, [
      'fetched boot.ipxe of image other, assigned compute',
      `fetched kernel vmlinuz-6.9.0-other, image compute uses ${TEST_KERNEL}`,
    ]);
    const report = await nodeStatus(bench.services);
    assert.equal(report.mismatchNodes, 'c002');
    assert.equal(report.neverBootedNodes, 'c001');
  } finally {
    await bench.close();
  }
});

test('a node asking by MAC only is recognised from the inventory; unknown names are counted, not stored one by one', async () => {
  const bench = await setUp();
  try {
    await bench.services.inventory.changeNodes('c002', { set: { mac: ['52:54:00:aa:bb:cc'] } });
    // The recorder learns inventory changes at its next write; the request is replayed then.
    await bench.get(`${D}/images/compute/boot.ipxe`, '', '52-54-00-aa-bb-cc');
    assert.equal((await statusOf(bench, 'c002')).bootedImage, 'compute');

    for (let i = 0; i < 120; i += 1) await bench.get(`${D}/images/compute/boot.ipxe`, `ghost${i}`);
    await bench.recorder.flush();
    const saved = JSON.parse(await readFile(bench.services.paths.nodeBootsFile, 'utf8')) as { nodes: Record<string, unknown>; unknown: { count: number; recent: { name: string }[] } };
    assert.deepEqual(Object.keys(saved.nodes).sort(), ['c002'], 'only inventory nodes get an entry');
    assert.equal(saved.unknown.count, 120);
    assert.equal(saved.unknown.recent.length, 50, 'only the latest 50 unknown requests are kept');
    assert.equal(saved.unknown.recent.at(-1)?.name, 'ghost119');
  } finally {
    await bench.close();
  }
});

test('`node status --json` answers the report; a node not in the inventory is refused', async () => {
  const bench = await setUp();
  try {
    await bootWholeChain(bench, 'c001');
    await bench.recorder.flush();
    const result = await runCli(['--json', 'node', 'status', 'c[001-002]'], { root: bench.temp.root });
    assert.equal(result.exitCode, 0, result.stderr);
    const report = JSON.parse(result.stdout) as NodeStatusReport;
    assert.equal(report.nodes, 'c[001-002]');
    assert.equal(report.neverBootedNodes, 'c002');
    assert.equal(report.staleNodeCount, 0);
    const text = await runCli(['node', 'status'], { root: bench.temp.root });
    assert.match(text.stdout, /^c001\s+compute\s+compute\s+"[0-9a-f-]+"\s+"[0-9a-f-]+"\s+up to date/m);
    const missing = await runCli(['node', 'status', 'c009'], { root: bench.temp.root });
    assert.equal(missing.exitCode, 1);
    assert.match(missing.stderr, /c009 not in the inventory/);
  } finally {
    await bench.close();
  }
});
