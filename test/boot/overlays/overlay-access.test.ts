import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readlink, realpath, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { makeTempRoot, type TempRoot } from '../../helpers/temp-root.js';
import { overlayCli, overlayServices } from '../../helpers/overlay-renderer.js';
import { fetchAnswer, startServer } from '../../helpers/serve-fixture.js';
import { overlayAccessPolicy } from '../../../src/boot/overlays/access.js';
import { overlayArchivePath, overlayManifestFile, overlaysDir } from '../../../src/boot/boot-paths.js';
import type { Paths } from '../../../src/core/paths.js';

async function withNodes(action: (root: TempRoot, paths: Paths) => Promise<void>): Promise<void> {
  const root = await makeTempRoot();
  try {
    const services = await overlayServices(root.root);
    await services.images.create('DemoImage', 'alpha', { message: 'hello' });
    for (const argv of [['n01', '--ip', '10.0.0.1'], ['n02', '--ip', '10.0.0.2'], ['n03']]) {
      const added = await overlayCli(root.root, ['node', 'add', ...argv, '--image', 'alpha']);
      assert.equal(added.exitCode, 0, added.stderr);
    }
    await action(root, services.paths);
  } finally {
    await root.cleanup();
  }
}

test('a secret archive goes to its node\'s registered address only; a node without one is served to all', () => withNodes(async (_root, paths) => {
  const policy = overlayAccessPolicy(paths);
  const archive = (node: string) => overlayArchivePath(paths, node);
  assert.equal(await policy(archive('n01'), '10.0.0.1'), 'allow');
  assert.equal(await policy(archive('n01'), '::ffff:10.0.0.1'), 'allow');
  assert.equal(await policy(archive('n01'), '10.0.0.2'), 'deny', 'node 2 cannot fetch node 1\'s keys');
  assert.equal(await policy(archive('n03'), '10.9.9.9'), 'allow');
  // Files the manifest does not know, in the overlays folder, are refused; other files are not the rule's business.
  await writeFile(archive('n09'), 'stray');
  assert.equal(await policy(archive('n09'), '10.0.0.1'), 'deny');
  assert.equal(await policy(`${paths.imagesDir}/alpha/boot.ipxe`, '10.0.0.2'), 'allow');
  // `serve` hands over real paths: those of the generation the served link points to.
  const generation = await realpath(overlaysDir(paths));
  assert.equal(await policy(join(generation, 'n01.img'), '10.0.0.1'), 'allow');
  assert.equal(await policy(join(generation, 'n01.img'), '10.0.0.2'), 'deny');
  assert.equal(await policy(join(generation, 'n03.img'), '10.9.9.9'), 'allow');
  assert.equal(await policy(join(generation, 'n09.img'), '10.0.0.1'), 'deny', 'the stray file is refused there too');
  // Anything in the generations folder that is not an archive directly inside a complete generation is refused.
  const generations = dirname(generation);
  assert.equal(await policy(join(generations, '.7.tmp-1-ab', 'n03.img'), '10.0.0.3'), 'deny');
  assert.equal(await policy(join(generation, 'sub', 'n03.img'), '10.0.0.3'), 'deny');
  assert.equal(await policy(join(generations, 'n03.img'), '10.0.0.3'), 'deny');
}));

test('serve answers 403 to another address and the archive to the registered one, and never lists the folder', () => withNodes(async (_root, paths) => {
  // The inventory refuses loopback addresses for nodes: the recorded address is set as a node on this host would have it.
  const manifest = JSON.parse(await readFile(overlayManifestFile(paths), 'utf8')) as { nodes: Record<string, { ip?: string }> };
  (manifest.nodes.n01 as { ip?: string }).ip = '127.0.0.1';
  await writeFile(overlayManifestFile(paths), JSON.stringify(manifest));
  const server = await startServer(paths.httpRoot, { access: overlayAccessPolicy(paths) });
  try {
    const path = '/preboot_execution_environment/diskless/overlays/n01.img?node=n01&mac=52-54-00-00-00-01';
    const other = await fetchAnswer(server.url, path, { localAddress: '127.0.0.2' });
    assert.equal(other.status, 403);
    const own = await fetchAnswer(server.url, path, { localAddress: '127.0.0.1' });
    assert.equal(own.status, 200);
    assert.ok(own.body.equals(await readFile(overlayArchivePath(paths, 'n01'))));
    // The same archive asked for by the generation the served link points to: the same rule.
    const generation = `/preboot_execution_environment/diskless/${await readlink(overlaysDir(paths))}`;
    assert.equal((await fetchAnswer(server.url, `${generation}/n01.img`, { localAddress: '127.0.0.2' })).status, 403);
    assert.equal((await fetchAnswer(server.url, `${generation}/n01.img`, { localAddress: '127.0.0.1' })).status, 200);
    for (const folder of ['/preboot_execution_environment/diskless/overlays', '/preboot_execution_environment/diskless/overlays/', generation, `${generation}/`]) {
      const listing = await fetchAnswer(server.url, folder, { localAddress: '127.0.0.1' });
      assert.equal(listing.status, 404, folder);
      assert.doesNotMatch(listing.body.toString(), /n0\d\.img/);
    }
  } finally {
    await server.close();
  }
}));

test('two nodes given one address by a hand edit of nodes.yml: the address proves neither, so neither node\'s secret archive is served', () => withNodes(async (root, paths) => {
  const text = await readFile(paths.inventoryFile, 'utf8');
  await writeFile(paths.inventoryFile, text.replace('10.0.0.2', '10.0.0.1'));
  const built = await overlayCli(root.root, ['overlay', 'build']);
  assert.equal(built.exitCode, 0, built.stderr);
  const policy = overlayAccessPolicy(paths);
  assert.equal(await policy(overlayArchivePath(paths, 'n01'), '10.0.0.1'), 'deny');
  assert.equal(await policy(overlayArchivePath(paths, 'n02'), '10.0.0.1'), 'deny', 'n01 would get n02\'s host keys');
  assert.equal(await policy(overlayArchivePath(paths, 'n03'), '10.0.0.1'), 'allow', 'a node without an address is not concerned');
}));
