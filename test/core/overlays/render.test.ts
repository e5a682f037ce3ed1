import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempRoot, type TempRoot } from '../../helpers/temp-root.js';
import { run } from '../../../src/system/runner.js';
import { loadConfig } from '../../../src/core/config.js';
import type { Services } from '../../../src/services/services.js';
import type { OverlayEntry, RenderedOverlay } from '../../../src/core/overlays/index.js';

const code = (expected: string, message?: RegExp) => (error: Error & { code?: string }) => error.code === expected && (message === undefined || message.test(error.message));

/** Writes `files` (path relative to the overlay → content) as site overlay `name`. */
async function siteOverlay(services: Services, name: string, files: Record<string, string>): Promise<string> {
  const dir = join(services.paths.overlaysDir, name);
  for (const [path, content] of Object.entries(files)) {
    await mkdir(join(dir, path, '..'), { recursive: true });
    await writeFile(join(dir, path), content);
  }
  return dir;
}

function entry(rendered: RenderedOverlay, path: string): OverlayEntry {
  const found = rendered.entries.find((e) => e.path === path);
  assert.ok(found, `${rendered.node} receives ${path}`);
  return found;
}

const text = (rendered: RenderedOverlay, path: string): string => entry(rendered, path).data?.toString('utf8') ?? '';

async function withRoot(action: (services: Services, root: TempRoot) => Promise<void>): Promise<void> {
  const root = await makeTempRoot();
  try {
    await action(await root.services(), root);
  } finally {
    await root.cleanup();
  }
}

test('each node gets its own rendering of one template, from its own variables, profiles first', async () => {
  await withRoot(async (services) => {
    await siteOverlay(services, 'motd', { 'etc/motd.j2': 'node {{ node.name }} rack {{ node.vars.rack }} image {{ image.name if image else "none" }} server {{ server.address | default("none") }}\n' });
    await siteOverlay(services, 'extra', { 'etc/extra': 'static\n' });
    await services.inventory.addProfile('compute', { overlays: ['hostname', 'motd'], vars: { rack: 'r0' } });
    await services.inventory.addNodes('n1', { profiles: ['compute'], ip: '10.0.0.1', vars: { rack: 'a1' }, overlays: ['extra'] });
    await services.inventory.addNodes('n2', { profiles: ['compute'], ip: '10.0.0.2' });
    const [n1, n2] = await services.overlays.renderNodes(['n1', 'n2']) as [RenderedOverlay, RenderedOverlay];
    assert.equal(text(n1, '/etc/motd'), 'node n1 rack a1 image none server none\n');
    assert.equal(text(n2, '/etc/motd'), 'node n2 rack r0 image none server none\n', 'a profile variable applies when the node sets none');
    assert.equal(text(n1, '/etc/extra'), 'static\n', 'the node\'s own overlays add to its profiles\' ones');
    assert.equal(n2.entries.some((e) => e.path === '/etc/extra'), false);
    assert.equal(text(n1, '/etc/hostname'), 'n1\n');
    assert.match(text(n2, '/etc/hosts'), /^10\.0\.0\.1\tn1$/m, '/etc/hosts lists every node with an address');
    assert.deepEqual(n1.entries.map((e) => e.path), [...n1.entries.map((e) => e.path)].sort(), 'entries are sorted, parents first');
    assert.equal(entry(n1, '/etc').kind, 'dir');
  });
});

test('a node without overlays gets the hostname overlay; a later overlay wins on the same path', async () => {
  await withRoot(async (services) => {
    await siteOverlay(services, 'first', { 'etc/issue': 'first\n', 'etc/only-first': 'x\n' });
    await siteOverlay(services, 'second', { 'etc/issue.j2': 'second {{ node.name }}\n' });
    await services.inventory.addNodes('n1', {});
    await services.inventory.addNodes('n2', { overlays: ['first', 'second'] });
    await services.inventory.addNodes('n3', { overlays: ['second', 'first'] });
    const [n1, n2, n3] = await services.overlays.renderNodes(['n1', 'n2', 'n3']) as RenderedOverlay[] as [RenderedOverlay, RenderedOverlay, RenderedOverlay];
    assert.deepEqual(n1.entries.map((e) => e.path), ['/etc', '/etc/hostname', '/etc/hosts']);
    assert.equal(text(n2, '/etc/issue'), 'second n2\n');
    assert.equal(text(n3, '/etc/issue'), 'first\n');
    assert.equal(text(n2, '/etc/only-first'), 'x\n');
  });
});

test('an undefined variable or a syntax error refuses the render, naming overlay, file and line', async () => {
  await withRoot(async (services) => {
    await siteOverlay(services, 'undef', { 'etc/a.conf.j2': 'one\ntwo {{ node.vars.missing }}\n' });
    await siteOverlay(services, 'syntax', { 'etc/b.conf.j2': 'one\ntwo\n{% if %}\n' });
    await siteOverlay(services, 'include', { 'etc/c.j2': '{% include "/etc/passwd" %}\n' });
    await services.inventory.addNodes('n[1-3]', {});
    await services.inventory.changeNodes('n1', { set: { overlays: ['undef'] } });
    await services.inventory.changeNodes('n2', { set: { overlays: ['syntax'] } });
    await services.inventory.changeNodes('n3', { set: { overlays: ['include'] } });
    await assert.rejects(services.overlays.renderNode('n1'), code('E_OVERLAY_TEMPLATE', /^overlay undef, file etc\/a\.conf\.j2, line 2: .*undefined/));
    await assert.rejects(services.overlays.renderNode('n2'), code('E_OVERLAY_TEMPLATE', /^overlay syntax, file etc\/b\.conf\.j2, line 3: /));
    await assert.rejects(services.overlays.renderNode('n3'), code('E_OVERLAY_TEMPLATE', /include, import and extends are not available/));
    await assert.rejects(services.overlays.renderNode('n1'), (error: Error) => !error.message.includes('\n'), 'one line');
  });
});

test('a template cannot reach JavaScript\'s Function constructor (nunjucks is no sandbox): constructor, __proto__ and prototype are refused', async () => {
  await withRoot(async (services) => {
    const escapes = [
      "{{ ''.constructor.constructor('return process.pid')() }}",
      "{{ node.constructor.constructor('return 1')() }}",
      "{{ node['constructor'] }}",
      '{{ range.constructor }}',
      '{{ constructor }}',
      '{{ inventory.__proto__ }}',
      '{{ node.name.prototype }}',
    ];
    await services.inventory.addNodes('n1', {});
    for (const [index, text] of escapes.entries()) {
      await siteOverlay(services, `esc${index}`, { 'etc/x.j2': `line one\n${text}\n` });
      await services.inventory.changeNodes('n1', { set: { overlays: [`esc${index}`] } });
      await assert.rejects(services.overlays.renderNode('n1'), code('E_OVERLAY_TEMPLATE', new RegExp(`^overlay esc${index}, file etc/x\\.j2(?:, line \\d+)?: .*cannot be read in an overlay template`)), text);
    }
  });
});

test('modes and owners come from the source file, or from overlay.yml, which is checked', async () => {
  await withRoot(async (services) => {
    const dir = await siteOverlay(services, 'keys', { 'etc/munge/munge.key': 'k\n', 'etc/plain': 'p\n', 'etc/tool.j2': '{{ node.name }}\n' });
    await chmod(join(dir, 'etc', 'plain'), 0o640);
    await writeFile(join(dir, 'overlay.yml'), "description: test\nfiles:\n  /etc/munge/munge.key: {mode: '0400', owner: 995, group: root, secret: true}\n  etc/tool: {mode: '0755'}\n  /etc/munge: {mode: '0700'}\n");
    await services.inventory.addNodes('n1', { overlays: ['keys'] });
    const rendered = await services.overlays.renderNode('n1');
    assert.deepEqual([entry(rendered, '/etc/munge/munge.key').mode, entry(rendered, '/etc/munge/munge.key').uid, entry(rendered, '/etc/munge/munge.key').gid], [0o400, 995, 0]);
    assert.equal(entry(rendered, '/etc/munge/munge.key').secret, true);
    assert.equal(rendered.secret, true);
    assert.equal(entry(rendered, '/etc/tool').mode, 0o755, 'a template is named without .j2 in overlay.yml');
    assert.equal(entry(rendered, '/etc/munge').mode, 0o700);
    assert.equal(entry(rendered, '/etc/plain').mode, 0o640, 'without a setting, the source file\'s mode');
    assert.equal(rendered.entries.some((e) => e.path === '/overlay.yml'), false, 'overlay.yml itself is not delivered');

    await writeFile(join(dir, 'overlay.yml'), "files:\n  /etc/plain: {mdoe: '0600'}\n");
    await assert.rejects(services.overlays.renderNode('n1'), code('E_OVERLAY_META', /did you mean mode\?/));
    await writeFile(join(dir, 'overlay.yml'), 'files:\n  /etc/plain: {mode: 0600}\n');
    await assert.rejects(services.overlays.renderNode('n1'), code('E_OVERLAY_META', /quoted octal/));
    await writeFile(join(dir, 'overlay.yml'), "files:\n  /etc/nothere: {mode: '0600'}\n");
    await assert.rejects(services.overlays.renderNode('n1'), code('E_OVERLAY_META', /does not have/));
    await writeFile(join(dir, 'overlay.yml'), "files:\n  /etc/../../x: {mode: '0600'}\n");
    await assert.rejects(services.overlays.renderNode('n1'), code('E_OVERLAY_PATH'));
  });
});

test('the input digest is equal for equal inputs and changes with a variable the node uses', async () => {
  await withRoot(async (services) => {
    await siteOverlay(services, 'motd', { 'etc/motd.j2': '{{ node.vars.rack }}\n' });
    await services.inventory.addNodes('n[1-2]', { overlays: ['motd'], vars: { rack: 'a' } });
    const first = await services.overlays.renderNode('n1');
    assert.equal((await services.overlays.renderNode('n1')).inputDigest, first.inputDigest);
    assert.notEqual((await services.overlays.renderNode('n2')).inputDigest, first.inputDigest, 'another node, another digest');
    await services.inventory.changeNodes('n1', { vars: { rack: 'b' } });
    assert.notEqual((await services.overlays.renderNode('n1')).inputDigest, first.inputDigest);
    await services.inventory.changeNodes('n1', { vars: { rack: 'a' } });
    assert.equal((await services.overlays.renderNode('n1')).inputDigest, first.inputDigest, 'back to the same inputs, back to the same digest');
  });
});

test('the network overlay writes one .network file per interface the variables describe, and refuses bad ones', async () => {
  await withRoot(async (services) => {
    await services.inventory.addNodes('n1', { overlays: ['network'], vars: { net_ib0_ip: '10.2.0.1/16', net_eth1_ip: '10.1.0.1/24', net_eth1_gateway: '10.1.0.254', net_eth1_dns: '10.1.0.53, 10.1.0.54' } });
    const rendered = await services.overlays.renderNode('n1');
    assert.match(text(rendered, '/etc/systemd/network/50-disklessset-eth1.network'), /\[Match\]\nName=eth1\n\n\[Network\]\nAddress=10\.1\.0\.1\/24\nGateway=10\.1\.0\.254\nDNS=10\.1\.0\.53\nDNS=10\.1\.0\.54\n$/);
    assert.match(text(rendered, '/etc/systemd/network/50-disklessset-ib0.network'), /Address=10\.2\.0\.1\/16/);
    await services.inventory.changeNodes('n1', { vars: { net_ib0_ip: '10.2.0.1' } });
    await assert.rejects(services.overlays.renderNode('n1'), code('E_OVERLAY_NETWORK', /net_ib0_ip/));
    await services.inventory.changeNodes('n1', { vars: { net_ib0_ip: '10.2.0.1/16', net_ib0_gw: '10.2.0.254' } });
    await assert.rejects(services.overlays.renderNode('n1'), code('E_OVERLAY_NETWORK', /net_ib0_gw/));
  });
});

test('unknown and hostile overlay names are refused before anything is written', async () => {
  await withRoot(async (services) => {
    await services.inventory.addNodes('n1', {});
    await assert.rejects(services.inventory.changeNodes('n1', { set: { overlays: ['nope'] } }), code('E_OVERLAY_UNKNOWN'));
    await assert.rejects(services.inventory.addProfile('p', { overlays: ['nope'] }), code('E_OVERLAY_UNKNOWN'));
    for (const name of ['../etc', '.hidden', 'a/b', '', 'x'.repeat(65)]) {
      await assert.rejects(services.overlays.show(name), code('E_OVERLAY_NAME'), name);
    }
    assert.equal((await services.inventory.read()).nodes.n1?.overlays, undefined, 'nothing was changed');
  });
});

test('links stay links, nothing is followed outside the overlay, and no path may lie under another overlay\'s link', async () => {
  await withRoot(async (services, root) => {
    const outside = join(root.root, 'outside');
    await mkdir(outside);
    await writeFile(join(outside, 'secret'), 'outside data\n');
    const dir = await siteOverlay(services, 'links', { 'etc/real': 'r\n' });
    await symlink(outside, join(dir, 'etc', 'escape'));
    await symlink('/etc/real', join(dir, 'etc', 'alias'));
    // A symbolic link as an overlay folder is not an overlay: its tree would be elsewhere.
    await symlink(outside, join(services.paths.overlaysDir, 'linked'));
    await services.inventory.addNodes('n1', { overlays: ['links'] });
    const rendered = await services.overlays.renderNode('n1');
    assert.deepEqual([entry(rendered, '/etc/escape').kind, entry(rendered, '/etc/escape').target], ['symlink', outside]);
    assert.equal(rendered.entries.some((e) => e.path.startsWith('/etc/escape/') || e.data?.toString().includes('outside data')), false);
    assert.equal((await services.overlays.list()).some((o) => o.name === 'linked'), false);
    await assert.rejects(services.overlays.show('linked'), code('E_OVERLAY_UNKNOWN'));

    await run(['mkfifo', join(dir, 'etc', 'pipe')]);
    await assert.rejects(services.overlays.renderNode('n1'), code('E_OVERLAY_PATH', /etc\/pipe is a device, socket or pipe/));
    await run(['rm', join(dir, 'etc', 'pipe')]);

    await siteOverlay(services, 'under', { 'etc/escape/planted': 'x\n' });
    await services.inventory.changeNodes('n1', { set: { overlays: ['under', 'links'] } });
    await assert.rejects(services.overlays.renderNode('n1'), code('E_OVERLAY_PATH', /lies under \/etc\/escape/));
  });
});

test('a site overlay named like a built-in one replaces it, and the listing says so', async () => {
  await withRoot(async (services) => {
    await siteOverlay(services, 'hostname', { 'etc/hostname.j2': 'site-{{ node.name }}\n' });
    await services.inventory.addNodes('n1', {});
    assert.equal(text(await services.overlays.renderNode('n1'), '/etc/hostname'), 'site-n1\n');
    const listed = (await services.overlays.list()).find((o) => o.name === 'hostname');
    assert.deepEqual([listed?.origin, listed?.overridesBuiltin, listed?.nodeCount], ['site', true, 1]);
  });
});

test('server.address comes from server_address of the config file, which must be a host name or an address', async () => {
  const root = await makeTempRoot();
  try {
    const configFile = join(root.root, 'etc', 'diskless', 'diskless.yml');
    await mkdir(join(configFile, '..'), { recursive: true });
    await writeFile(configFile, 'server_address: 10.9.0.1\n');
    const services = await root.services();
    await siteOverlay(services, 'srv', { 'etc/srv.j2': '{{ server.address }}\n' });
    await services.inventory.addNodes('n1', { overlays: ['srv'] });
    assert.equal(text(await services.overlays.renderNode('n1'), '/etc/srv'), '10.9.0.1\n');
    await writeFile(configFile, 'server_address: "10.9.0.1\\nEvil: 1"\n');
    await assert.rejects(loadConfig(root.root), code('E_CONFIG_INVALID', /server_address/));
  } finally {
    await root.cleanup();
  }
});

test('an owner or group outside 0..4294967294 is refused (4294967295 is chown\'s "leave unchanged")', async () => {
  await withRoot(async (services) => {
    const dir = await siteOverlay(services, 'ids', { 'etc/plain': 'p\n' });
    await services.inventory.addNodes('n1', { overlays: ['ids'] });
    for (const [key, value] of ['owner', 'group'].flatMap((k) => ['4294967295', '4294967296', '-1'].map((v) => [k, v]))) {
      await writeFile(join(dir, 'overlay.yml'), `files:\n  /etc/plain: {${key}: ${value}}\n`);
      await assert.rejects(services.overlays.renderNode('n1'), code('E_OVERLAY_META', new RegExp(`${key} of /etc/plain must be a number from 0 to 4294967294`)), `${key}: ${value}`);
    }
    await writeFile(join(dir, 'overlay.yml'), 'files:\n  /etc/plain: {owner: 4294967294, group: 4294967294}\n');
    const plain = entry(await services.overlays.renderNode('n1'), '/etc/plain');
    assert.deepEqual([plain.uid, plain.gid], [4294967294, 4294967294]);
  });
});

test('a file and its template giving one path are refused, and the hint names both files', async () => {
  await withRoot(async (services) => {
    await siteOverlay(services, 'twice', { 'etc/f': 'plain\n', 'etc/f.j2': '{{ node.name }}\n' });
    await services.inventory.addNodes('n1', { overlays: ['twice'] });
    await assert.rejects(services.overlays.renderNode('n1'), (error: Error & { code?: string; oneLine?: string }) => error.code === 'E_OVERLAY_PATH'
      && /both give \/etc\/f; remove etc\/f(\.j2)? or etc\/f(\.j2)? from overlay twice/.test(error.oneLine ?? '') && (error.oneLine ?? '').includes('etc/f.j2'));
  });
});
