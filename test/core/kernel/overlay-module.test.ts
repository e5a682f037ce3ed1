/**
 * `kernel initramfs` puts the shipped `diskless-overlay` dracut module into
 * every initramfs it makes (real dracut on this host, `--no-kernel` so no
 * kernel modules are needed), and leaves it out with `--no-overlay-module`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempRoot, type TempRoot } from '../../helpers/temp-root.js';
import { run } from '../../../src/system/runner.js';
import { OVERLAY_DRACUT_MODULE_DIR, shippedDracutModulesDir } from '../../../src/system/dracut-overlay-module.js';

const KERNEL = 'vmlinuz-6.1.0-99-amd64';
const HOOK_IN_INITRAMFS = 'usr/lib/dracut/hooks/pre-pivot/90-diskless-overlay.sh';
/** Fast enough for a unit test: no kernel modules, gzip. */
const QUICK = ['--dracut-arg', '--no-kernel', '--dracut-arg', '--gzip'];

async function makeInitramfs(t: TempRoot, extra: string[]): Promise<{ listing: string; path: string }> {
  const made = await t.cliProcess(['kernel', 'initramfs', KERNEL, ...QUICK, ...extra]);
  assert.equal(made.exitCode, 0, made.stderr);
  const path = join((await t.services()).paths.kernelsDir, `initramfs-kernel-6.1.0-99-amd64`);
  const listing = (await run(['lsinitrd', path], { timeoutMs: 120_000 })).stdout;
  return { listing, path };
}

test('kernel initramfs adds the diskless-overlay module by default; --no-overlay-module leaves it out', async () => {
  const t = await makeTempRoot();
  try {
    await writeFile(join(t.root, KERNEL), 'kernel bytes');
    assert.equal((await t.cliProcess(['kernel', 'add', join(t.root, KERNEL)])).exitCode, 0);

    const withModule = await makeInitramfs(t, []);
    assert.match(withModule.listing, /Arguments: .*--add '[^']*\bdiskless-overlay\b[^']*'/);
    assert.match(withModule.listing, /^diskless-overlay$/m, 'lsinitrd lists the module among the dracut modules');
    assert.ok(withModule.listing.includes(HOOK_IN_INITRAMFS), 'the pre-pivot hook is in the initramfs');
    const hook = (await run(['lsinitrd', '-f', HOOK_IN_INITRAMFS, withModule.path], { timeoutMs: 120_000 })).stdout;
    assert.equal(hook, await readFile(join(shippedDracutModulesDir(), OVERLAY_DRACUT_MODULE_DIR, 'diskless-overlay.sh'), 'utf8'));
    // dracut saw the module through a staged base folder: the system's own was not written.
    assert.equal((await readdir('/usr/lib/dracut/modules.d')).includes(OVERLAY_DRACUT_MODULE_DIR), false);

    const without = await makeInitramfs(t, ['--no-overlay-module']);
    assert.doesNotMatch(without.listing, /diskless-overlay/);
  } finally {
    await t.cleanup();
  }
});
