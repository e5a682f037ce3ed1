/**
 * `kernel initramfs` puts the shipped `diskless-fetch` dracut module into
 * the initramfs when the tree dracut runs in has aria2c (this host has: the
 * aria2 package of scripts/install-deps.sh), with its fetch script byte for
 * byte; a tree without aria2c gets no module (real dracut, `--no-kernel`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeTempRoot } from '../../helpers/temp-root.js';
import { run } from '../../../src/system/runner.js';
import { shippedDracutModulesDir } from '../../../src/system/dracut-overlay-module.js';
import { FETCH_DRACUT_MODULE_DIR, treeHasAria2c } from '../../../src/system/dracut-fetch-module.js';

const KERNEL = 'vmlinuz-6.1.0-99-amd64';
/** Fast enough for a unit test: no kernel modules, gzip. */
const QUICK = ['--dracut-arg', '--no-kernel', '--dracut-arg', '--gzip'];

test('kernel initramfs adds the diskless-fetch module, its fetch script, netroot handler and cmdline hook when aria2c is installed', async () => {
  assert.equal(await treeHasAria2c('/'), true, 'this host needs aria2c (scripts/install-deps.sh)');
  const t = await makeTempRoot();
  try {
    await writeFile(join(t.root, KERNEL), 'kernel bytes');
    assert.equal((await t.cliProcess(['kernel', 'add', join(t.root, KERNEL)])).exitCode, 0);
    const made = await t.cliProcess(['--json', 'kernel', 'initramfs', KERNEL, ...QUICK]);
    assert.equal(made.exitCode, 0, made.stderr);
    assert.equal((JSON.parse(made.stdout) as { fetchModule: boolean }).fetchModule, true);
    assert.doesNotMatch(made.stderr, /aria2c/, 'no note when the module went in');

    const path = join((await t.services()).paths.kernelsDir, 'initramfs-kernel-6.1.0-99-amd64');
    const listing = (await run(['lsinitrd', path], { timeoutMs: 120_000 })).stdout;
    assert.match(listing, /Arguments: .*--add '[^']*\bdiskless-fetch\b/);
    assert.match(listing, /^diskless-fetch$/m, 'lsinitrd lists the module among the dracut modules');
    for (const file of ['usr/sbin/disklessnetroot', 'usr/lib/dracut/hooks/cmdline/30-parse-diskless-fetch.sh', 'usr/bin/aria2c', 'usr/bin/curl']) {
      assert.ok(listing.includes(file), `the initramfs lacks ${file}`);
    }
    const script = (await run(['lsinitrd', '-f', 'usr/sbin/diskless-p2p-fetch', path], { timeoutMs: 120_000 })).stdout;
    assert.equal(script, await readFile(join(shippedDracutModulesDir(), FETCH_DRACUT_MODULE_DIR, 'diskless-p2p-fetch'), 'utf8'));
  } finally {
    await t.cleanup();
  }
});

test('a tree without aria2c gets no diskless-fetch module; one with it does', async () => {
  const tree = await mkdtemp(join(tmpdir(), 'disklessset-fetch-tree-'));
  try {
    assert.equal(await treeHasAria2c(tree), false);
    await mkdir(join(tree, 'usr', 'bin'), { recursive: true });
    await writeFile(join(tree, 'usr', 'bin', 'aria2c'), '');
    assert.equal(await treeHasAria2c(tree), true);
  } finally {
    await rm(tree, { recursive: true, force: true });
  }
});
