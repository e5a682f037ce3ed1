import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { nodeScriptPath } from '../../../src/boot/index.js';
import { Paths } from '../../../src/core/paths.js';
import { checkAttributes } from '../../../src/core/nodes/attributes.js';
import { rootWithDemoImages } from '../../helpers/inventory.js';

test('--p2p on a profile puts the peer-to-peer kernel arguments on its nodes\' kernel line; --no-p2p on a node turns them off', async () => {
  const { t, paths } = await rootWithDemoImages('img');
  try {
    const kernelArgs = async (node: string) => /\n(?:set|clear) diskless-kernel-args ?(.*)\n/.exec(await readFile(nodeScriptPath(paths, node), 'utf8'))?.[1];
    assert.equal((await t.cli(['profile', 'add', 'rack1', '--image', 'img', '--p2p', '--kernel-args', 'quiet'])).exitCode, 0);
    assert.equal((await t.cli(['node', 'add', 'c[01-02]', '--profile', 'rack1'])).exitCode, 0);
    assert.equal(await kernelArgs('c01'), 'diskless.p2p=1 diskless.p2p.seed=300 quiet', 'the default seeding time; the node\'s own arguments last');

    const show = await t.cli(['node', 'show', 'c01', '--json']);
    assert.equal(show.exitCode, 0, show.stderr);
    const shown = JSON.parse(show.stdout);
    assert.equal(shown.attributes.p2p, true);
    assert.equal(shown.origins.p2p, 'profile:rack1');

    const off = await t.cli(['node', 'set', 'c02', '--no-p2p']);
    assert.equal(off.exitCode, 0, off.stderr);
    assert.equal(await kernelArgs('c02'), 'quiet');
    assert.equal(JSON.parse((await t.cli(['node', 'show', 'c02', '--json'])).stdout).origins.p2p, 'node');
    assert.match(await readFile(paths.inventoryFile, 'utf8'), /c02:\n(?:.*\n)*? {4}p2p: false/);

    // The seeding time is the site's (diskless.yml); the next inventory change publishes it.
    await mkdir(dirname(Paths.configFile(t.root)), { recursive: true });
    await writeFile(Paths.configFile(t.root), 'p2p_seed_seconds: 60\n');
    assert.equal((await t.cli(['node', 'set', 'c02', '--unset-p2p'])).exitCode, 0);
    assert.equal(await kernelArgs('c02'), 'diskless.p2p=1 diskless.p2p.seed=60 quiet', 'inherited again from the profile');
  } finally {
    await t.cleanup();
  }
});

test('bad peer-to-peer input is refused: exit 2, one line naming it, nothing changed', async () => {
  const { t, paths } = await rootWithDemoImages('img');
  try {
    assert.equal((await t.cli(['node', 'add', 'c01', '--image', 'img'])).exitCode, 0);
    const before = await readFile(paths.inventoryFile, 'utf8');
    const contradiction = await t.cli(['node', 'set', 'c01', '--p2p', '--unset-p2p']);
    assert.equal(contradiction.exitCode, 2, contradiction.stderr);
    assert.equal(contradiction.stderr.trim().split('\n').length, 1, contradiction.stderr);
    assert.throws(() => checkAttributes({ p2p: 'yes' }, 'node c01', true), (error: Error & { code?: string }) =>
      error.code === 'E_NODE_P2P' && /"p2p" in node c01 must be true or false, not "yes"/.test(error.message), 'API bodies and hand edits: a boolean only');
    assert.equal(await readFile(paths.inventoryFile, 'utf8'), before);

    await mkdir(dirname(Paths.configFile(t.root)), { recursive: true });
    for (const [config, message] of [
      ['p2p_seed_seconds: -5\n', /"p2p_seed_seconds" must be a whole number of seconds from 0 to 86400/],
      ['p2p_seed_seconds: soon\n', /"p2p_seed_seconds"/],
      ['p2p_tracker_url: udp://10.0.0.1:6969\n', /"p2p_tracker_url" must be an http URL of a tracker/],
      ['p2p_tracker_url: http://user:pw@10.0.0.1:6969/announce\n', /"p2p_tracker_url"/],
    ] as const) {
      await writeFile(Paths.configFile(t.root), config);
      const result = await t.cli(['node', 'list']);
      assert.equal(result.exitCode, 2, `${config}: ${result.stderr}`);
      assert.match(result.stderr, message);
      assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
      assert.ok(!result.stderr.includes('pw@'), 'a password in the URL is not repeated');
    }
  } finally {
    await t.cleanup();
  }
});
