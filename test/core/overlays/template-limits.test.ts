import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempRoot } from '../../helpers/temp-root.js';
import { MAX_TEMPLATE_BYTES } from '../../../src/core/overlays/sources.js';

test('a template over 1 MiB is refused by name before it is read or compiled; one under the limit renders', async () => {
  const root = await makeTempRoot();
  try {
    const services = await root.services();
    const dir = join(services.paths.overlaysDir, 'big', 'etc');
    await mkdir(dir, { recursive: true });
    const line = '{{ node.name }}\n';
    await writeFile(join(dir, 'huge.conf.j2'), line.repeat(Math.ceil((MAX_TEMPLATE_BYTES + 1) / line.length)));
    await services.inventory.addNodes('n1', { overlays: ['big'] });
    await assert.rejects(services.overlays.renderNode('n1'),
      (error: Error & { code?: string }) => error.code === 'E_OVERLAY_PATH' && /etc\/huge\.conf\.j2 is a template of 1\.0 MiB, over the 1 MiB limit/.test(error.message));
    await writeFile(join(dir, 'huge.conf.j2'), line.repeat(1000));
    const rendered = await services.overlays.renderNode('n1');
    assert.equal(rendered.entries.find((entry) => entry.path === '/etc/huge.conf')?.data?.toString('utf8'), 'n1\n'.repeat(1000), 'a template under the limit renders');
  } finally {
    await root.cleanup();
  }
});

test('a file of a site overlay whose name is not UTF-8 is refused by name (its bytes shown), not reported as a missing file', async () => {
  const root = await makeTempRoot();
  try {
    const services = await root.services();
    const dir = join(services.paths.overlaysDir, 'latin', 'etc');
    await mkdir(dir, { recursive: true });
    await writeFile(Buffer.concat([Buffer.from(`${dir}/caf`), Buffer.from([0xe9]), Buffer.from('.conf')]), 'x\n');
    await services.inventory.addNodes('n1', { overlays: ['latin'] });
    await assert.rejects(services.overlays.renderNode('n1'),
      (error: Error & { code?: string }) => error.code === 'E_OVERLAY_PATH' && error.message.includes('overlay latin: etc/"caf\u00e9.conf" has a name that is not UTF-8 text'));
  } finally {
    await root.cleanup();
  }
});
