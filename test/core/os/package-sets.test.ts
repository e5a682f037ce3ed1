/** Package-manager command lines: scratch files live in the root's scratch folder, never in the host's /tmp. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, readdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempRoot } from '../../helpers/temp-root.js';
import { packageManagerCommand } from '../../../src/core/os/package-sets.js';
import { sweepLeftovers } from '../../../src/core/state/leftovers.js';
import { parseSource } from '../../../src/core/os/sources.js';

test('the mmdebstrap dracut overlay is a pid-named temporary folder of the scratch folder, removed by its cleanup and, after a kill, by the next sweep', async () => {
  const t = await makeTempRoot();
  try {
    const paths = (await t.services()).paths;
    const command = await packageManagerCommand(join(t.root, 'target'), {
      source: parseSource('mmdebstrap'), type: 'core', release: 'bookworm', scratchDir: paths.workDir,
    });
    const hook = command.argv.find((arg) => arg.startsWith('--essential-hook=sync-in '));
    const overlay = hook?.split(' ')[1] ?? '';
    assert.equal(join(overlay, '..'), paths.workDir);
    assert.match(overlay, new RegExp(`/\\.overlay\\.tmp-${process.pid}-[0-9a-f]+$`));
    assert.match(await readFile(join(overlay, 'etc', 'dracut.conf.d', '90-disklessset.conf'), 'utf8'), /\S/);
    // While this process lives the sweep keeps it; the same name with a dead pid is swept.
    assert.deepEqual(await sweepLeftovers([paths.workDir]), []);
    const orphan = join(paths.workDir, `.overlay.tmp-2147483646-${overlay.split('-').at(-1)}`);
    await rename(overlay, orphan);
    assert.deepEqual(await sweepLeftovers([paths.workDir]), [orphan]);
    await command.cleanup();
    assert.deepEqual(await readdir(paths.workDir), []);
    assert.ok(!existsSync(orphan));
  } finally {
    await t.cleanup();
  }
});
