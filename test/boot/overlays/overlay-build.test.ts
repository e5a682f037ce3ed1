import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chown, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parse, stringify } from 'yaml';
import { overlayArchivePath, overlayManifestFile } from '../../../src/boot/boot-paths.js';
import { readManifest } from '../../../src/boot/overlays/overlay-state.js';
import { createOverlayRenderer } from '../../../src/core/overlays/index.js';
import type { OverlayRenderer, RenderFailureHandler } from '../../../src/core/overlays/rendered.js';
import type { InventoryDocument } from '../../../src/core/nodes/inventory-file.js';
import { openServices, repairServices, type Services } from '../../../src/services/services.js';
import { makeTempRoot } from '../../helpers/temp-root.js';

/** The real renderer, counting the nodes each build renders. */
class CountingRenderer implements OverlayRenderer {
  rendered: string[] = [];
  constructor(private readonly inner: Required<OverlayRenderer>) {}
  renderNode(node: string) { this.rendered.push(node); return this.inner.renderNode(node); }
  renderNodes(nodes: readonly string[], onFailure?: RenderFailureHandler, document?: InventoryDocument) { this.rendered.push(...nodes); return this.inner.renderNodes(nodes, onFailure, document); }
  /** Nodes whose inputs digest was computed (not taken from the manifest). */
  digested: string[] = [];
  inputDigests(nodes: readonly string[], document?: InventoryDocument) { this.digested.push(...nodes); return this.inner.inputDigests(nodes, document); }
  contextDigest(document: InventoryDocument) { return this.inner.contextDigest(document); }
  /** What was rendered since the last call, sorted. */
  take(): string[] { const nodes = [...this.rendered].sort(); this.rendered = []; return nodes; }
  /** Nodes digested since the last call, sorted. */
  takeDigested(): string[] { const nodes = [...this.digested].sort(); this.digested = []; return nodes; }
}

/** A root with image `alpha`, the real renderer counted, and six nodes: n[1-3] with the hostname overlay, m[1-3] with a site overlay reading only their own vars. */
async function withNodes(action: (services: Services, counter: CountingRenderer) => Promise<void>): Promise<void> {
  const root = await makeTempRoot();
  try {
    let counter: CountingRenderer | undefined;
    const services = await openServices({ root: root.root, overlayRenderer: (core) => (counter = new CountingRenderer(createOverlayRenderer({ paths: core.paths, inventory: core.inventory, config: core.config }) as Required<OverlayRenderer>)) });
    await services.images.create('DemoImage', 'alpha', { message: 'hello' });
    const site = join(services.paths.overlaysDir, 'rack', 'etc');
    await mkdir(site, { recursive: true });
    await writeFile(join(site, 'rack.j2'), 'rack {{ node.vars.rack }}\n');
    for (const i of [1, 2, 3]) await services.inventory.addNodes(`n${i}`, { image: 'alpha', ip: `10.0.0.${i}` });
    await services.inventory.addNodes('m[1-3]', { image: 'alpha', overlays: ['rack'], vars: { rack: 'a' } });
    assert.ok(counter);
    counter.take();
    counter.takeDigested();
    await action(services, counter);
  } finally {
    await root.cleanup();
  }
}

const archiveText = async (services: Services, node: string) => gunzipSync(await readFile(overlayArchivePath(services.paths, node))).toString('latin1');

test('a change of one node\'s address renders every node reading the inventory again, and each one\'s /etc/hosts has the new address', () => withNodes(async (services, counter) => {
  for (const node of ['n1', 'n2', 'n3']) assert.match(await archiveText(services, node), /10\.0\.0\.2\s+n2/);
  await services.inventory.changeNodes('n2', { set: { ip: '10.0.9.9' } });
  assert.deepEqual(counter.take(), ['n1', 'n2', 'n3'], 'the hostname overlay reads the inventory: all its nodes, not the others');
  for (const node of ['n1', 'n2', 'n3']) {
    const text = await archiveText(services, node);
    assert.match(text, /10\.0\.9\.9\s+n2/, `${node}'s /etc/hosts has n2's new address`);
    assert.doesNotMatch(text, /10\.0\.0\.2\s+n2/);
  }
}));

test('a change of one node\'s variables renders only that node; a build with nothing changed renders none', () => withNodes(async (services, counter) => {
  await services.inventory.changeNodes('m2', { vars: { rack: 'b' } });
  assert.deepEqual(counter.take(), ['m2']);
  assert.match(await archiveText(services, 'm2'), /rack b\n/);
  assert.match(await archiveText(services, 'm1'), /rack a\n/);
  await services.inventory.changeNodes('n3', { vars: { rack: 'z' } });
  assert.deepEqual(counter.take(), ['n3'], 'variables are not part of what the inventory gives templates');
  const build = await services.overlayDelivery?.build();
  assert.deepEqual(counter.take(), [], 'nothing changed: nothing rendered');
  assert.equal(build?.unchanged, 6);
  assert.equal(Object.values((await readManifest(services.paths)).nodes).filter((record) => record.inputs !== undefined).length, 6);
}));

test('a change of an overlay\'s file renders again every node using that overlay, and only them', () => withNodes(async (services, counter) => {
  await writeFile(join(services.paths.overlaysDir, 'rack', 'etc', 'rack.j2'), 'rack is {{ node.vars.rack }}\n');
  const build = await services.overlayDelivery?.build();
  assert.deepEqual(counter.take(), ['m1', 'm2', 'm3']);
  assert.equal(build?.written, 3);
  for (const node of ['m1', 'm2', 'm3']) assert.match(await archiveText(services, node), /rack is a\n/);
}));

test('a manifest of the previous version (no inputs digest) is read, and its nodes are rendered once more', () => withNodes(async (services, counter) => {
  const manifest = await readManifest(services.paths);
  for (const record of Object.values(manifest.nodes)) delete record.inputs;
  await writeFile(overlayManifestFile(services.paths), `${JSON.stringify(manifest)}\n`);
  const build = await services.overlayDelivery?.build();
  assert.equal(counter.take().length, 6);
  assert.equal(build?.written, 0, 'same output: no archive rewritten');
  await services.overlayDelivery?.build();
  assert.deepEqual(counter.take(), []);
}));

test('a change digests only the nodes it touched; one that changes what all share (an address in /etc/hosts, an overlay) digests every node', () => withNodes(async (services, counter) => {
  await services.inventory.changeNodes('m2', { vars: { rack: 'b' } });
  assert.deepEqual(counter.takeDigested(), ['m2'], 'the other five keep the inputs recorded for them');
  assert.deepEqual(counter.take(), ['m2']);
  await services.inventory.changeNodes('n2', { set: { ip: '10.0.9.2' } });
  assert.equal(counter.takeDigested().length, 6, 'the inventory every /etc/hosts shows changed');
  assert.deepEqual(counter.take(), ['n1', 'n2', 'n3']);
  await writeFile(join(services.paths.overlaysDir, 'rack', 'etc', 'rack.j2'), 'rack: {{ node.vars.rack }}\n');
  await services.inventory.changeNodes('m1', { vars: { rack: 'c' } });
  assert.equal(counter.takeDigested().length, 6, 'an overlay changed since the last build');
  assert.deepEqual(counter.take(), ['m1', 'm2', 'm3']);
  for (const [node, rack] of [['m1', 'c'], ['m2', 'b'], ['m3', 'a']]) assert.match(await archiveText(services, node as string), new RegExp(`rack: ${rack as string}\n`));
  // A partial build under the same context keeps the shortcut; the next change digests one node again.
  await services.overlayDelivery?.build('m3');
  counter.takeDigested();
  await services.inventory.changeNodes('m3', { vars: { rack: 'd' } });
  assert.deepEqual(counter.takeDigested(), ['m3']);
  assert.match(await archiveText(services, 'm3'), /rack: d\n/);
}));

/** The owner (uid) an archive gives `path`, read from its newc header (uid is the 4th field, at offset 22). */
function archiveUid(text: string, path: string): number {
  const name = text.indexOf(`diskless-overlay${path}\0`);
  assert.ok(name >= 110, `${path} is in the archive`);
  return parseInt(text.slice(name - 110 + 22, name - 110 + 30), 16);
}

test('a site file given another owner (chown, no overlay.yml setting) is followed: by the start-of-command repair, and by a change of another node', () => withNodes(async (services, counter) => {
  const file = join(services.paths.overlaysDir, 'rack', 'etc', 'rack.j2');
  assert.equal(archiveUid(await archiveText(services, 'm1'), '/etc/rack'), (await stat(file)).uid);
  await chown(file, 4321, 4321);
  assert.equal(await services.overlayDelivery?.needsRepair(), true, 'a chown changes neither size nor modification time, but changes what nodes get');
  await services.inventory.changeNodes('m2', { vars: { rack: 'b' } });
  assert.equal(counter.takeDigested().length, 6, 'the context changed: every node digested');
  assert.deepEqual(counter.take(), ['m1', 'm2', 'm3']);
  for (const node of ['m1', 'm2', 'm3']) assert.equal(archiveUid(await archiveText(services, node), '/etc/rack'), 4321, `${node} gets the new owner`);
  assert.equal(await services.overlayDelivery?.needsRepair(), false);
}));

test('a template rewritten with its size kept and its modification time put back is followed (its change time moved)', () => withNodes(async (services, counter) => {
  const file = join(services.paths.overlaysDir, 'rack', 'etc', 'rack.j2');
  const before = await stat(file, { bigint: true });
  await writeFile(file, 'RACK {{ node.vars.rack }}\n');
  // To the nanosecond (a Date or a number of seconds would round it).
  const ns = before.mtimeNs;
  execFileSync('touch', ['-m', '-d', `@${ns / 1_000_000_000n}.${String(ns % 1_000_000_000n).padStart(9, '0')}`, file]);
  const after = await stat(file, { bigint: true });
  assert.equal(after.mtimeNs, before.mtimeNs);
  assert.equal(after.size, before.size);
  assert.equal(await services.overlayDelivery?.needsRepair(), true);
  await services.overlayDelivery?.repair();
  assert.deepEqual(counter.take(), ['m1', 'm2', 'm3']);
  for (const node of ['m1', 'm2', 'm3']) assert.match(await archiveText(services, node), /RACK a\n/);
}));

test('a node left with its last archive because it cannot be rendered is rendered again (and reported) by a later change that leaves it alone', () => withNodes(async (services, counter) => {
  // A hand edit takes m1's variable away: its template prints it, so the repair keeps m1's archive and says so.
  const document = parse(await readFile(services.paths.inventoryFile, 'utf8')) as { nodes: Record<string, { vars?: unknown }> };
  delete document.nodes.m1?.vars;
  await writeFile(services.paths.inventoryFile, stringify(document));
  await repairServices(services);
  assert.ok(counter.take().includes('m1'));
  assert.match(await archiveText(services, 'm1'), /rack a\n/, 'm1 keeps its last archive');
  assert.equal((await readManifest(services.paths)).nodes.m1?.inputs, undefined, 'its record keeps no inputs digest: that of its archive is not the current one');
  await services.inventory.changeNodes('m2', { vars: { rack: 'b' } });
  assert.deepEqual(counter.take(), ['m1', 'm2'], 'm1 is tried again, not taken as current');
  assert.match(await archiveText(services, 'm2'), /rack b\n/);
  assert.match(await archiveText(services, 'm1'), /rack a\n/);
}));

test('a new server_address in diskless.yml, or an edited /etc/passwd, is followed by the next command\'s repair', () => withNodes(async (services) => {
  const site = join(services.paths.overlaysDir, 'srv', 'etc');
  await mkdir(site, { recursive: true });
  await writeFile(join(site, 'srv.j2'), 'server {{ server.address | default(\'none\') }}\n');
  await writeFile(join(services.paths.overlaysDir, 'srv', 'overlay.yml'), 'files:\n  /etc/srv: {owner: svc}\n');
  const passwd = services.paths.relocate('/etc/passwd');
  await writeFile(passwd, 'root:x:0:0::/root:/bin/sh\nsvc:x:901:901::/:/bin/false\n');
  await services.inventory.changeNodes('m1', { set: { overlays: ['rack', 'srv'] } });
  assert.match(await archiveText(services, 'm1'), /server none\n/);
  assert.equal(archiveUid(await archiveText(services, 'm1'), '/etc/srv'), 901);
  assert.equal(await services.overlayDelivery?.needsRepair(), false);

  await writeFile(services.paths.relocate('/etc/diskless/diskless.yml'), 'server_address: 10.9.9.9\n');
  const reopened = await openServices({ root: services.paths.root, repair: false });
  assert.equal(await reopened.overlayDelivery?.needsRepair(), true, 'the server templates print changed');
  await repairServices(reopened);
  assert.match(await archiveText(reopened, 'm1'), /server 10\.9\.9\.9\n/);
  assert.equal(await reopened.overlayDelivery?.needsRepair(), false);

  await writeFile(passwd, 'root:x:0:0::/root:/bin/sh\nsvc:x:902:902::/:/bin/false\n');
  assert.equal(await reopened.overlayDelivery?.needsRepair(), true, 'the owner overlay.yml names has another number');
  await repairServices(reopened);
  assert.equal(archiveUid(await archiveText(reopened, 'm1'), '/etc/srv'), 902);
}));

test('nodes with host keys are not rendered again by a change of another node; a rotation renders the rotated node, whose archive holds its new key', () => withNodes(async (services, counter) => {
  await services.inventory.changeNodes('m[1-3]', { set: { overlays: ['hostname', 'ssh-host-keys'] } });
  await services.inventory.changeNodes('m1', { vars: { rack: 'c' } });
  counter.take();
  await services.inventory.changeNodes('m2', { vars: { rack: 'd' } });
  assert.deepEqual(counter.take(), ['m2'], 'm1 and m3 keep the inputs recorded with their key files\' listing');
  const before = (await services.overlays.hostKeys(['m3'])).get('m3')?.[0]?.publicKey ?? '';
  assert.ok(before.length > 20);
  await services.overlayDelivery?.rotateHostKeys(['m3']);
  assert.ok(counter.take().includes('m3'), 'the rotated node is rendered');
  const after = (await services.overlays.hostKeys(['m3'])).get('m3')?.[0]?.publicKey ?? '';
  assert.notEqual(after, before);
  const archive = await archiveText(services, 'm3');
  assert.ok(archive.includes(after.split(' ')[1] ?? '-'), 'the archive holds the new public key');
  assert.ok(!archive.includes(before.split(' ')[1] ?? '-'));
}));
