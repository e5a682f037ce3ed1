import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { InstallationsRegistry } from '../../../src/core/state/installations.js';

async function withRegistry(check: (registry: InstallationsRegistry, file: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'disklessset-installations-'));
  try {
    const file = join(dir, 'installations.yml');
    await check(new InstallationsRegistry(file), file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('a registry written by an earlier version with a mounts: field is read, and the field is never written back', async () => {
  await withRegistry(async (registry, file) => {
    await writeFile(file, 'old:\n  pid: 999999\n  image_class: DemoImage\n  paths: [/x/old]\n  mounts: []\n');
    const entries = await registry.read();
    assert.deepEqual(entries.old, { pid: 999999, image_class: 'DemoImage', paths: ['/x/old'] });
    await registry.recordPath('old', '/x/old/tree');
    const written = parse(await readFile(file, 'utf8')) as Record<string, Record<string, unknown>>;
    assert.deepEqual(written.old, { pid: 999999, image_class: 'DemoImage', paths: ['/x/old', '/x/old/tree'] });
  });
});

test('a new build is registered with a path journal and no mounts field', async () => {
  await withRegistry(async (registry, file) => {
    await registry.begin('fresh', 'DemoImage', async () => undefined);
    const written = parse(await readFile(file, 'utf8')) as Record<string, Record<string, unknown>>;
    assert.deepEqual(written.fresh?.paths, []);
    assert.ok(!('mounts' in (written.fresh ?? {})), 'no mounts field is written');
  });
});

test('a mounts: field of the wrong type is still refused with E_STATE_FILE_INVALID', async () => {
  await withRegistry(async (registry, file) => {
    await writeFile(file, 'old:\n  pid: 999999\n  image_class: DemoImage\n  mounts: 5\n');
    await assert.rejects(registry.read(), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'E_STATE_FILE_INVALID');
      assert.match(error.message, /mounts that are not a list of strings/);
      return true;
    });
  });
});
