/**
 * The inventory rule of rendering: a change after which a node it touches
 * cannot get its overlays is refused, in one line, with nothing written (no
 * inventory change, no archive, no host key).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { overlayArchivePath } from '../../../src/boot/boot-paths.js';
import { makeTempRoot, type TempRoot } from '../../helpers/temp-root.js';
import type { Services } from '../../../src/services/services.js';

async function withSite(run: (root: TempRoot, services: Services) => Promise<void>): Promise<void> {
  const root = await makeTempRoot();
  try {
    const services = await root.services();
    await services.images.create('DemoImage', 'alpha', { message: 'hello' });
    const dir = join(services.paths.overlaysDir, 'site', 'etc');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'rack.conf.j2'), '# site\nrack = {{ node.vars.rack }}\n');
    await run(root, services);
  } finally {
    await root.cleanup();
  }
}

const ONE_LINE = /^disklessset: node (\S+): overlay site, file etc\/rack\.conf\.j2, line 2: [^\n]*undefined[^\n]*\n$/;

test('node add, node set and profile set are refused (exit 2, one line naming node, overlay, file and problem) when a node they touch could not render its overlays', () => withSite(async (root, services) => {
  const inventory = () => readFile(services.paths.inventoryFile, 'utf8').catch(() => '');
  const empty = await inventory();
  const added = await root.cli(['node', 'add', 'c1', '--image', 'alpha', '--overlay', 'site', '--overlay', 'ssh-host-keys']);
  assert.equal(added.exitCode, 2);
  assert.match(added.stderr, ONE_LINE);
  assert.equal(await inventory(), empty, 'nothing written');
  assert.equal(existsSync(services.paths.nodeHostKeysDir('c1')), false, 'no host key made for a refused node');
  assert.equal(existsSync(overlayArchivePath(services.paths, 'c1')), false);

  assert.equal((await root.cli(['profile', 'add', 'racked', '--var', 'rack=a1', '--overlay', 'site'])).exitCode, 0);
  assert.equal((await root.cli(['node', 'add', 'c[1-2]', '--image', 'alpha', '--profile', 'racked'])).exitCode, 0);
  assert.ok(existsSync(overlayArchivePath(services.paths, 'c1')));
  assert.equal((await root.cli(['profile', 'add', 'bare'])).exitCode, 0);
  const before = await inventory();
  for (const args of [['profile', 'set', 'racked', '--unset-var', 'rack'], ['node', 'set', 'c2', '--profile', 'bare', '--overlay', 'site']]) {
    const refused = await root.cli(args);
    assert.equal(refused.exitCode, 2, args.join(' '));
    assert.match(refused.stderr, ONE_LINE);
  }
  assert.equal(await inventory(), before);

  // A node booting no image gets no archive: it is not held to the rule until it boots one.
  assert.equal((await root.cli(['node', 'add', 'c3', '--overlay', 'site'])).exitCode, 0);
  const boot = await root.cli(['boot', 'set', 'c3', 'alpha']);
  assert.equal(boot.exitCode, 2);
  assert.match(boot.stderr, /^disklessset: node c3: overlay site, file etc\/rack\.conf\.j2, line 2: /);
  assert.equal((await root.cli(['node', 'set', 'c3', '--var', 'rack=b7', '--image', 'alpha'])).exitCode, 0);
}));
