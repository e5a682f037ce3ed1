import { test } from 'node:test';
import assert from 'node:assert/strict';
import { access, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/system/runner.js';
import { FIXTURES, KEPT_MARKER, REPO_ROOT, keepLimitBytes, makeTempRoot } from './temp-root.js';

async function exists(path: string): Promise<boolean> {
  try { await access(path); return true; } catch { return false; }
}

/** Runs `body` with os.tmpdir() pointing at a private folder, so what is left in it is ours. */
async function inPrivateTmp(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'disklessset-tmp-'));
  const saved = process.env.TMPDIR;
  process.env.TMPDIR = dir;
  try {
    await body(dir);
  } finally {
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
    await rm(dir, { recursive: true, force: true });
  }
}

test('the fixtures come from the repository itself: a fresh clone needs nothing beside it', async () => {
  assert.ok(FIXTURES.startsWith(`${REPO_ROOT}/`), FIXTURES);
  assert.ok(await exists(join(FIXTURES, 'legacy-v1-root', 'var', 'lib', 'diskless', 'installations.yml')));
});

test('a fixture that cannot be copied leaves no temporary root behind', async () => {
  await inPrivateTmp(async (dir) => {
    await assert.rejects(makeTempRoot('no-such-fixture'), { code: 'ENOENT' });
    assert.deepEqual(await readdir(dir), []);
  });
});

test('a root a test forgot to clean is removed when the test file ends, with a line saying so', async () => {
  await inPrivateTmp(async (dir) => {
    const helper = join(REPO_ROOT, 'dist', 'test', 'helpers', 'temp-root.js');
    const script = `const { makeTempRoot } = await import(${JSON.stringify(helper)}); const t = await makeTempRoot('legacy-v1-root'); console.log(t.root);`;
    const result = await run([process.execPath, '--input-type=module', '-e', script], { env: { TMPDIR: dir } });
    const root = result.stdout.trim();
    assert.match(root, new RegExp(`^${dir}/disklessset-test-\\d+-\\w{6}$`));
    assert.match(result.stderr, /removed .*disklessset-test-.*which a test left behind/);
    assert.deepEqual(await readdir(dir), []);
  });
});

test('a failed run keeps a small root and says where; a large one is deleted except its logs, and says so', async () => {
  const small = await makeTempRoot();
  const large = await makeTempRoot();
  try {
    await writeFile(join(small.root, 'note'), 'small');
    const kept = await small.keepForDebugging({ maxBytes: 1024 * 1024 });
    assert.equal(kept.startsWith(`root prefix kept at ${small.root} (`), true, kept);
    assert.ok(await exists(join(small.root, 'note')));
    assert.ok(await exists(join(small.root, KEPT_MARKER)), 'the sweep of later runs must spare it');

    await mkdir(join(large.root, 'e2e-logs'));
    await writeFile(join(large.root, 'e2e-logs', 'node.serial.log'), 'boot log');
    await writeFile(join(large.root, 'squashfs.img'), Buffer.alloc(3 * 1024 * 1024, 1));
    const deleted = await large.keepForDebugging({ maxBytes: 1024 * 1024, alwaysKeep: ['e2e-logs'] });
    assert.match(deleted, /deleted: it used 3 MiB, over the 1 MiB a failed run may keep/);
    assert.deepEqual((await readdir(large.root)).sort(), [KEPT_MARKER, 'e2e-logs']);
    assert.ok(deleted.includes(join(large.root, 'e2e-logs')), deleted);
  } finally {
    await small.cleanup();
    await large.cleanup();
  }
});

test('the kept-root limit is 200 MiB unless DISKLESS_TEST_KEEP_MAX_MIB says otherwise', () => {
  assert.equal(keepLimitBytes({}), 200 * 1024 * 1024);
  assert.equal(keepLimitBytes({ DISKLESS_TEST_KEEP_MAX_MIB: '0' }), 0);
  assert.equal(keepLimitBytes({ DISKLESS_TEST_KEEP_MAX_MIB: 'lots' }), 200 * 1024 * 1024);
});
