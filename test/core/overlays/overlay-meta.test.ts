import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, symlink, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempRoot } from '../../helpers/temp-root.js';
import { parseOverlayMeta } from '../../../src/core/overlays/overlay-meta.js';
import { MAX_FILE_BYTES } from '../../../src/core/overlays/sources.js';

const refusedMeta = (text: string, message: RegExp) => assert.throws(() => parseOverlayMeta(text, 'site'),
  (error: Error & { code?: string }) => error.code === 'E_OVERLAY_META' && message.test(error.message));

test('overlay.yml naming one path twice in two spellings is refused: the later settings would silently drop a secret flag', () => {
  refusedMeta('files:\n  /etc/munge/munge.key: {secret: true}\n  etc/munge/munge.key: {mode: "0644"}\n', /"\/etc\/munge\/munge\.key" and "etc\/munge\/munge\.key" both name \/etc\/munge\/munge\.key/);
  refusedMeta('files:\n  /etc/key: {secret: true}\n  //etc/key/: {mode: "0644"}\n', /both name \/etc\/key/);
  assert.equal(parseOverlayMeta('files:\n  /etc/key: {secret: true, mode: "0600"}\n', 'site').files.get('/etc/key')?.secret, true);
});

/** A root with site overlay `site` holding `etc/munge/munge.key`, its overlay.yml `meta`, and node n1 using it. */
async function withSite(meta: string, action: (render: () => Promise<unknown>, dir: string) => Promise<void>): Promise<void> {
  const root = await makeTempRoot();
  try {
    const services = await root.services();
    const dir = join(services.paths.overlaysDir, 'site');
    await mkdir(join(dir, 'etc', 'munge'), { recursive: true });
    await writeFile(join(dir, 'etc', 'munge', 'munge.key'), 'key\n');
    await writeFile(join(dir, 'overlay.yml'), meta);
    await action(async () => {
      await services.inventory.addNodes('n1', { overlays: ['site'] });
      return services.overlays.renderNode('n1');
    }, dir);
  } finally {
    await root.cleanup();
  }
}

test('secret: true on a folder is refused: the files in it would not be secret', () => withSite('files:\n  /etc/munge: {secret: true}\n', async (render) => {
  await assert.rejects(render(), (error: Error & { code?: string }) => error.code === 'E_OVERLAY_META' && /marks \/etc\/munge secret, but it is a folder/.test(error.message));
}));

test('a plain overlay file over the size limit is refused by name before it is read (a sparse file: no disk used)', () => withSite('', async (render, dir) => {
  const big = join(dir, 'etc', 'big.bin');
  await writeFile(big, '');
  await truncate(big, MAX_FILE_BYTES + 1);
  await assert.rejects(render(), (error: Error & { code?: string }) => error.code === 'E_OVERLAY_PATH' && /overlay site: etc\/big\.bin is 64\.0 MiB, over the 64 MiB limit of overlay files/.test(error.message));
}));

test('one node\'s overlays over 256 MiB in all are refused, naming the node: each file under the limit is not enough', () => withSite('', async (render, dir) => {
  for (const index of [1, 2, 3, 4, 5]) {
    const file = join(dir, 'etc', `part${index}.bin`);
    await writeFile(file, '');
    await truncate(file, 60 * 1024 * 1024);
  }
  await assert.rejects(render(), (error: Error & { code?: string }) => error.code === 'E_OVERLAY_PATH' && /node n1: its overlays deliver 300 MiB of files, over the 256 MiB limit of one node's archive/.test(error.message));
}));

test('a symbolic link whose target holds control characters is refused (it would reach terminals and the node)', () => withSite('', async (render, dir) => {
  await symlink('/x\u001b[31mRED\nNEWLINE', join(dir, 'etc', 'evil'));
  await assert.rejects(render(), (error: Error & { code?: string }) => error.code === 'E_OVERLAY_PATH' && /etc\/evil is a symbolic link with an unusable target/.test(error.message));
}));
