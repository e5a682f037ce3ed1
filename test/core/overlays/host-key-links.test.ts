/**
 * The host key store never follows a symbolic link and never reads a key
 * file that is not a regular file of sane size: the tool runs as root, and a
 * link there once made it write private keys, chmod and delete outside the
 * state folder, or ship another file's content as a node's private key.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { makeTempRoot, type TempRoot } from '../../helpers/temp-root.js';
import { run } from '../../../src/system/runner.js';
import { overlayArchivePath } from '../../../src/boot/boot-paths.js';

/** A root with image gold and nodes c[1-3] whose keys were made, and a folder outside it with files of the user's. */
async function setUp(): Promise<{ root: TempRoot; keysDir: string; outside: string; archive: (node: string) => Promise<string> }> {
  const root = await makeTempRoot();
  const services = await root.services();
  await services.images.create('DemoImage', 'gold', { message: 'hi' });
  const added = await root.cli(['node', 'add', 'c[1-3]', '--image', 'gold', '--overlay', 'hostname', '--overlay', 'ssh-host-keys']);
  assert.equal(added.exitCode, 0, added.stderr);
  const outside = await mkdtemp(join(tmpdir(), 'disklessset-test-outside-'));
  await mkdir(join(outside, 'web01'));
  await mkdir(join(outside, 'precious-data'));
  await writeFile(join(outside, 'notes.txt'), 'x\n');
  await run(['chmod', '0755', outside]);
  const archive = async (node: string) => gunzipSync(await readFile(overlayArchivePath(services.paths, node))).toString('latin1');
  return { root, keysDir: services.paths.overlayKeysDir, outside, archive };
}

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Names and modes of everything under `dir`, to compare before and after. */
async function snapshot(dir: string): Promise<string[]> {
  const names = await readdir(dir, { recursive: true });
  return [`. ${((await stat(dir)).mode & 0o7777).toString(8)}`, ...await Promise.all(names.sort().map(async (name) => `${name} ${((await stat(join(dir, name))).mode & 0o7777).toString(8)}`))];
}

test('a keys folder that is a symbolic link is refused: nothing outside is written, removed or chmodded, and no key is made', async () => {
  const { root, keysDir, outside } = await setUp();
  try {
    const before = await snapshot(outside);
    await rename(keysDir, join(root.root, 'keys.bak'));
    await symlink(outside, keysDir);
    const build = await root.cli(['--json', 'overlay', 'build']);
    assert.equal(build.exitCode, 1, build.stderr);
    assert.equal(JSON.parse(build.stderr).code, 'E_HOST_KEYS_LINK');
    for (const args of [['overlay', 'build'], ['overlay', 'render', 'c2'], ['node', 'ssh-keys', 'c1', '--rotate']]) {
      const refused = await root.cli(args);
      assert.equal(refused.exitCode, 1, args.join(' '));
      assert.equal(refused.stderr, `disklessset: ${keysDir} is a symbolic link; SSH host keys are only read from and written to real folders; `
        + `move the nodes' keys back into a real folder at ${keysDir}, or remove the link to have new keys made\n`, args.join(' '));
    }
    assert.deepEqual(await snapshot(outside), before, 'web01, precious-data and notes.txt kept, no key written, modes unchanged');
  } finally {
    await rm(outside, { recursive: true, force: true });
    await root.cleanup();
  }
});

test('a node\'s keys folder that is a symbolic link is refused, and removing the node removes only the link', async () => {
  const { root, keysDir, outside } = await setUp();
  try {
    const linked = join(outside, 'c2-keys');
    await rename(join(keysDir, 'c2'), linked);
    await symlink(linked, join(keysDir, 'c2'));
    const before = await snapshot(outside);
    for (const args of [['overlay', 'render', 'c2'], ['overlay', 'build'], ['node', 'ssh-keys', 'c2', '--rotate']]) {
      const refused = await root.cli(args);
      assert.equal(refused.exitCode, 1, args.join(' '));
      assert.match(refused.stderr, new RegExp(`^disklessset: ${escape(keysDir)}/c2 is a symbolic link; [^\\n]*; move the node's keys back into a real folder at ${escape(keysDir)}/c2, or remove the link to have new keys made\\n$`));
    }
    assert.deepEqual(await snapshot(outside), before);
    const removed = await root.cli(['node', 'remove', 'c2']);
    assert.equal(removed.exitCode, 0, removed.stderr);
    assert.deepEqual((await readdir(keysDir)).sort(), ['c1', 'c3']);
    assert.deepEqual(await snapshot(outside), before, 'the keys the link led to are kept');
  } finally {
    await rm(outside, { recursive: true, force: true });
    await root.cleanup();
  }
});

// The timeout ends the test should a pipe hang the render again.
test('a key file that is a symbolic link, a pipe, a device or oversize is refused by name; its content never reaches an archive', { timeout: 120_000 }, async () => {
  const { root, keysDir, outside, archive } = await setUp();
  try {
    const key = join(keysDir, 'c1', 'ssh_host_ed25519_key');
    const real = await readFile(key);
    await rm(key);
    await writeFile(join(outside, 'secret'), 'OTHER-FILE-CONTENT\n');
    const refused = async (why: RegExp) => {
      for (const args of [['overlay', 'render', 'c1'], ['overlay', 'build']]) {
        const result = await root.cli(args);
        assert.equal(result.exitCode, 1, args.join(' '));
        assert.ok(!result.stdout.includes('OTHER-FILE-CONTENT'));
        assert.match(result.stderr, new RegExp(`^disklessset: SSH host key file ${escape(key)} ${why.source}; replace it by the node's real key file, or remove it to have new keys made\\n$`));
      }
      assert.ok(!(await archive('c1')).includes('OTHER-FILE-CONTENT'));
    };
    await symlink(join(outside, 'secret'), key);
    await refused(/is a symbolic link/);
    await rm(key);
    await symlink('/dev/zero', key);
    await refused(/is a symbolic link/);
    await rm(key);
    // A pipe nobody writes to: reading it would hang the command for ever.
    await run(['mkfifo', key]);
    await refused(/is not a regular file \(a folder, pipe, socket or device\)/);
    await rm(key);
    await writeFile(key, Buffer.alloc(70_000, 'A'));
    await refused(/holds 70000 bytes, more than 65536/);

    await writeFile(key, real);
    const rendered = await root.cli(['overlay', 'render', 'c1']);
    assert.equal(rendered.exitCode, 0, rendered.stderr);
    assert.ok((await archive('c1')).includes(real.toString('latin1')), 'the node keeps its own key');
  } finally {
    await rm(outside, { recursive: true, force: true });
    await root.cleanup();
  }
});
