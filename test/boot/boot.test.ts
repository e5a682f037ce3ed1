import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempRoot, type TempRoot } from '../helpers/temp-root.js';
import { entryScriptPath, installBootGuards, listBoot, nodeScriptPath, refreshBootMenu, setBoot, unsetBoot } from '../../src/boot/index.js';
import type { Services } from '../../src/services/services.js';

async function withRoot(action: (root: TempRoot, services: Services) => Promise<void>): Promise<void> {
  const root = await makeTempRoot();
  try {
    const services = await root.services();
    installBootGuards(services);
    await action(root, services);
  } finally {
    await root.cleanup();
  }
}

async function demo(services: Services, name: string): Promise<void> {
  await services.images.create('DemoImage', name, { message: `message of ${name}` });
}

test('boot set writes one script per node chaining to the image boot file', () => withRoot(async (_root, services) => {
  await demo(services, 'alpha');
  const result = await setBoot(services, 'c[01-03]', 'alpha');
  assert.deepEqual(result, { image: 'alpha', nodes: 'c[01-03]', count: 3 });
  for (const node of ['c01', 'c02', 'c03']) {
    const script = await readFile(nodeScriptPath(services.paths, node), 'utf8');
    assert.match(script, /^#!ipxe\n/);
    assert.ok(script.includes('chain http://${next-server}/preboot_execution_environment/diskless/images/alpha/boot.ipxe'), script);
  }
  assert.equal(nodeScriptPath(services.paths, 'c01'), join(services.paths.httpRoot, 'preboot_execution_environment/diskless/nodes/c01.ipxe'));
}));

test('the entry script tries the host name, then the MAC, then a menu of created images', () => withRoot(async (_root, services) => {
  await demo(services, 'alpha');
  await demo(services, 'beta');
  const script = await readFile(entryScriptPath(services.paths), 'utf8');
  assert.equal(entryScriptPath(services.paths), join(services.paths.httpRoot, 'preboot_execution_environment/diskless/boot.ipxe'));
  const nodes = 'http://${next-server}/preboot_execution_environment/diskless/nodes';
  const byHost = script.indexOf(`chain --autofree ${nodes}/\${hostname}.ipxe?node=\${diskless-node:uristring}&mac=\${mac:hexhyp} || goto by_mac`);
  const byMac = script.indexOf(`chain --autofree ${nodes}/\${mac:hexhyp}.ipxe?node=\${diskless-node:uristring}&mac=\${mac:hexhyp} || goto menu`);
  const menu = script.indexOf(':menu');
  assert.ok(byHost > 0 && byMac > byHost && menu > byMac, script);
  assert.match(script, /item image0 alpha \(DemoImage\)/);
  assert.match(script, /item image1 beta \(DemoImage\)/);
  assert.ok(script.includes(':image1\nchain http://${next-server}/preboot_execution_environment/diskless/images/beta/boot.ipxe'));
  await services.images.remove('beta');
  const after = await readFile(entryScriptPath(services.paths), 'utf8');
  assert.ok(!after.includes('beta'), 'a removed image leaves the menu');
}));

test('the menu only offers CREATED images', () => withRoot(async (_root, services) => {
  await demo(services, 'ready');
  // A build that died leaves a CORRUPTED image: not bootable.
  await services.installations.update((entries) => {
    entries.broken = { pid: 999_999_999, image_class: 'DemoImage' };
  });
  await refreshBootMenu(services);
  const script = await readFile(entryScriptPath(services.paths), 'utf8');
  assert.match(script, /item image0 ready/);
  assert.ok(!script.includes('broken'));
}));

test('boot unset removes the scripts; boot list folds nodes per image', () => withRoot(async (_root, services) => {
  await demo(services, 'alpha');
  await demo(services, 'beta');
  await setBoot(services, 'n[1-10]', 'alpha');
  await setBoot(services, 'n[5-6],gpu1', 'beta');
  assert.deepEqual(await listBoot(services), [
    { image: 'alpha', nodes: 'n[1-4,7-10]', count: 8 },
    { image: 'beta', nodes: 'gpu1,n[5-6]', count: 3 },
  ]);
  assert.match(await readFile(nodeScriptPath(services.paths, 'n5'), 'utf8'), /images\/beta\/boot\.ipxe/);
  const unset = await unsetBoot(services, 'n[9-12]');
  assert.deepEqual(unset, { removed: 'n[9-10]', notAssigned: 'n[11-12]', stillBooting: '' });
  assert.equal(existsSync(nodeScriptPath(services.paths, 'n9')), false);
  assert.equal(existsSync(nodeScriptPath(services.paths, 'n8')), true);
  assert.deepEqual((await listBoot(services))[0], { image: 'alpha', nodes: 'n[1-4,7-8]', count: 6 });
}));

test('bad node names and unknown or unready images are refused without writing anything', () => withRoot(async (_root, services) => {
  await demo(services, 'alpha');
  await assert.rejects(setBoot(services, '../etc/passwd', 'alpha'), { code: 'E_NODE_NAME', kind: 'usage' });
  await assert.rejects(setBoot(services, 'n[1-2', 'alpha'), { code: 'E_NODESET_SYNTAX' });
  await assert.rejects(setBoot(services, '', 'alpha'), { code: 'E_NODESET_EMPTY' });
  await assert.rejects(setBoot(services, 'n1', 'missing'), { code: 'E_NODE_UNKNOWN_IMAGE', kind: 'usage' });
  await assert.rejects(setBoot(services, 'n1', '../alpha'), { code: 'E_IMAGE_NAME' });
  assert.deepEqual(await listBoot(services), []);
  assert.deepEqual((await readdir(services.paths.bootNodesDir).catch(() => [] as string[])).filter((f) => f.endsWith('.ipxe')), []);
}));

test('removing an image that nodes boot is refused; --force removes it and the assignments', () => withRoot(async (root, services) => {
  await demo(services, 'alpha');
  await setBoot(services, 'c[1-2]', 'alpha');
  await assert.rejects(services.images.remove('alpha'), (error: Error & { code?: string }) => {
    assert.equal(error.code, 'E_IMAGE_BOOTED');
    assert.match(error.message, /c\[1-2\]/);
    return true;
  });
  assert.equal((await services.images.status('alpha')).status, 'CREATED');

  const refused = await root.cli(['image', 'remove', 'alpha', '--yes']);
  assert.equal(refused.exitCode, 1);
  assert.match(refused.stderr, /still booted by 2 nodes: c\[1-2\]/);

  const forced = await root.cli(['image', 'remove', 'alpha', '--yes', '--force']);
  assert.equal(forced.exitCode, 0, forced.stderr);
  assert.equal(existsSync(services.paths.imageDir('alpha')), false);
  assert.equal(existsSync(nodeScriptPath(services.paths, 'c1')), false);
  assert.deepEqual(await listBoot(services), []);
}));

test('CLI: boot set, list --json and unset', async () => {
  const root = await makeTempRoot();
  try {
    assert.equal((await root.cli(['demo', 'create', 'img', '--message', 'hi'])).exitCode, 0);
    const set = await root.cli(['boot', 'set', 'node[001-004]', 'img']);
    assert.equal(set.exitCode, 0, set.stderr);
    assert.match(set.stdout, /node\[001-004\] \(4 nodes\) now boot img/);
    const list = await root.cli(['--json', 'boot', 'list']);
    assert.deepEqual(JSON.parse(list.stdout), [{ image: 'img', nodes: 'node[001-004]', nodeCount: 4 }]);
    const unset = await root.cli(['boot', 'unset', 'node[003-004]']);
    assert.equal(unset.exitCode, 0, unset.stderr);
    assert.match((await root.cli(['boot', 'list'])).stdout, /img\s+2\s+node\[001-002\]/);
    const bad = await root.cli(['boot', 'set', 'n1', 'nothere']);
    assert.equal(bad.exitCode, 2, 'a missing image is bad input');
    assert.match(bad.stderr, /no image named nothere; give one of: img/);
  } finally {
    await root.cleanup();
  }
});
