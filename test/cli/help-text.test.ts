/** Help of every command: an example each, the global options, and no line over 80 columns off a terminal. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTempRoot } from '../helpers/temp-root.js';
import { runCli } from '../helpers/run-cli.js';
import { allCommands } from '../../src/cli/registry.js';
import { EXTRA_COMMANDS } from '../../src/cli/extra-commands.js';

test('every command\'s help fits in 80 columns, shows the global options and one example', async () => {
  const t = await makeTempRoot();
  try {
    const services = await t.services();
    const paths = allCommands(services.activeModules, EXTRA_COMMANDS).map((c) => c.path);
    const groups = [...new Set(paths.flatMap((p) => p.slice(0, -1).map((_, i) => p.slice(0, i + 1).join(' '))))];
    assert.ok(paths.length > 25);
    for (const words of [[], ['version'], ['completion'], ['help'], ...groups.map((g) => g.split(' ')), ...paths]) {
      const run = await runCli(['help', ...words], { root: t.root });
      assert.equal(run.exitCode, 0, `${words.join(' ')}: ${run.stderr}`);
      const wide = run.stdout.split('\n').filter((line) => line.length > 80);
      assert.deepEqual(wide, [], words.join(' '));
      if (paths.some((p) => p.join(' ') === words.join(' '))) {
        assert.match(run.stdout, /Example:\n {2}disklessset \S/, words.join(' '));
        assert.match(run.stdout, /Global options:[\s\S]*--json/, words.join(' '));
      }
    }
  } finally {
    await t.cleanup();
  }
});
