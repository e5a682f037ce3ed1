/** The man page built by `npm run build` from the command definitions, and installed with the package. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { REPO_ROOT, makeTempRoot } from '../helpers/temp-root.js';
import { allCommands } from '../../src/cli/registry.js';
import { EXTRA_COMMANDS } from '../../src/cli/extra-commands.js';

test('man/disklessset.1 lists every command, the global options and the exit codes', async () => {
  const page = await readFile(join(REPO_ROOT, 'man', 'disklessset.1'), 'utf8');
  assert.match(page, /^\.TH DISKLESSSET 1 /);
  const t = await makeTempRoot();
  try {
    const services = await t.services();
    const paths = [...allCommands(services.activeModules, EXTRA_COMMANDS).map((c) => c.path.join(' ')), 'help', 'version', 'completion'];
    for (const path of paths) assert.ok(page.includes(`.B disklessset ${path.replace(/-/g, '\\-')} `), `man page lacks ${path}`);
    assert.doesNotMatch(page, /__complete/);
  } finally {
    await t.cleanup();
  }
  assert.match(page, /\\-\\-root/);
  assert.match(page, /\.SH EXIT STATUS/);
});

test('the package installs the man page (package.json man and files)', async () => {
  const manifest = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as { man: string; files: string[] };
  assert.equal(manifest.man, './man/disklessset.1');
  assert.ok(manifest.files.includes('man'));
});
