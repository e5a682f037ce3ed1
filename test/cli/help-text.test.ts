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

test('help marks every option a create command refuses to run without, with the rule when it depends on others', async () => {
  const t = await makeTempRoot();
  try {
    const help = async (...path: string[]) => (await runCli(['help', ...path], { root: t.root })).stdout.replace(/\s+/g, ' ');
    const livenet = await help('livenet', 'create');
    assert.match(livenet, /--kernel <vmlinuz-VERSION> .*?\(required, here or in --from-file\)/);
    assert.match(livenet, /--size <SIZE> .*?\(required with --layout liveos, the default; here or in --from-file\)/);
    assert.match(livenet, /--password-hash <HASH> .*?\(required: one of --password-file, --password-stdin, --password-hash\)/);
    const staging = await help('nfs', 'staging', 'create');
    assert.match(staging, /--kernel <vmlinuz-VERSION> .*?\(required, here or in --from-file\)/);
    assert.match(staging, /--password-file <FILE> .*?\(required: one of/);
    assert.match(await help('demo', 'create'), /--message <TEXT> message stored in the image \(required\)/);
    const missing = await runCli(['demo', 'create', 'm1'], { root: t.root });
    assert.equal(missing.exitCode, 2);
    assert.match(missing.stderr, /missing option --message <TEXT>/);
  } finally {
    await t.cleanup();
  }
});
