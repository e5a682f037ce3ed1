/** Shell completion: the scripts parse, and the hidden __complete offers commands, options and names from the state. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CLI, makeTempRoot } from '../helpers/temp-root.js';
import { runCli } from '../helpers/run-cli.js';
import { run } from '../../src/system/runner.js';

test('completion bash prints a script bash accepts (bash -n); zsh and fish get theirs; another shell is exit 2', async () => {
  const t = await makeTempRoot();
  try {
    const bash = await runCli(['completion', 'bash'], { root: t.root });
    assert.equal(bash.exitCode, 0, bash.stderr);
    assert.match(bash.stdout, /complete .*-F _disklessset_complete disklessset/);
    const file = join(t.root, 'completion.bash');
    await writeFile(file, bash.stdout);
    const check = await run(['bash', '-n', file], { allowFailure: true });
    assert.equal(check.exitCode, 0, check.stderr);
    assert.match((await runCli(['completion', 'zsh'], { root: t.root })).stdout, /^#compdef disklessset/);
    assert.match((await runCli(['completion', 'fish'], { root: t.root })).stdout, /complete -c disklessset/);
    assert.equal((await runCli(['completion', 'tcsh'], { root: t.root })).exitCode, 2);
  } finally {
    await t.cleanup();
  }
});

test('__complete offers command words, options, and the image names of the root', async () => {
  const t = await makeTempRoot();
  try {
    for (const name of ['alpha', 'beta']) assert.equal((await runCli(['demo', 'create', name, '--message', 'hello'], { root: t.root })).exitCode, 0);
    const complete = async (...words: string[]) => {
      const result = await runCli(['__complete', '--', ...words], { root: t.root });
      assert.equal(result.exitCode, 0, result.stderr);
      return result.stdout.split('\n').filter(Boolean);
    };
    assert.deepEqual(await complete('ima'), ['image']);
    assert.ok((await complete('image', '')).includes('set-kernel'));
    assert.deepEqual(await complete('image', 'list', '--js'), ['--json']);
    assert.deepEqual(await complete('image', 'show', ''), ['alpha', 'beta']);
    assert.deepEqual(await complete('image', 'remove', 'b'), ['beta']);
    // The root typed on the line is the one whose names are offered.
    const other = await makeTempRoot();
    try {
      assert.deepEqual(await complete('--root', other.root, 'image', 'show', ''), []);
    } finally {
      await other.cleanup();
    }
    assert.doesNotMatch((await complete('')).join(' '), /__complete/);
  } finally {
    await t.cleanup();
  }
});

test('__complete offers the inventory\'s node names where a node or node set goes, and the fixed values of options and arguments', async () => {
  const t = await makeTempRoot();
  try {
    assert.equal((await runCli(['node', 'add', 'c[001-002],gpu1'], { root: t.root })).exitCode, 0);
    const complete = async (...words: string[]) => {
      const result = await runCli(['__complete', '--', ...words], { root: t.root });
      assert.equal(result.exitCode, 0, result.stderr);
      return result.stdout.split('\n').filter(Boolean);
    };
    for (const line of [['boot', 'set'], ['boot', 'show'], ['boot', 'unset'], ['node', 'show'], ['node', 'set'], ['node', 'remove'], ['node', 'list']]) {
      assert.deepEqual(await complete(...line, ''), ['c001', 'c002', 'gpu1'], line.join(' '));
    }
    assert.deepEqual(await complete('node', 'show', 'g'), ['gpu1']);
    assert.deepEqual(await complete('nfs', 'nodes', 'add', 'gold', 'c'), ['c001', 'c002']);
    assert.deepEqual(await complete('livenet', 'create', 'x', '--compression', ''), ['zstd', 'xz', 'gzip', 'lz4']);
    assert.deepEqual(await complete('livenet', 'create', 'x', '--layout', 'f'), ['flat']);
    assert.deepEqual(await complete('livenet', 'create', 'x', '--type', ''), ['core', 'small', 'standard']);
    assert.deepEqual(await complete('nfs', 'staging', 'create', 'x', '--type', 's'), ['small', 'standard']);
    assert.deepEqual(await complete('api', 'token', 'create', '--role', ''), ['read', 'admin']);
    assert.deepEqual(await complete('completion', ''), ['bash', 'zsh', 'fish']);
    assert.ok((await complete('help', '')).includes('image'));
    assert.deepEqual(await complete('help', 'image', 'li'), ['list']);
    // An option whose value is free (a file, a size) is still left to the shell.
    assert.deepEqual(await complete('livenet', 'create', 'x', '--size', ''), []);
  } finally {
    await t.cleanup();
  }
});

test('the bash script, sourced in bash, completes image names through the installed command', async () => {
  const t = await makeTempRoot();
  try {
    assert.equal((await runCli(['demo', 'create', 'gamma', '--message', 'hi'], { root: t.root })).exitCode, 0);
    // A `disklessset` on PATH bound to the test root, as an installed package would be.
    const bin = join(t.root, 'bin');
    await mkdir(bin);
    await writeFile(join(bin, 'disklessset'), `#!/bin/sh\nexec '${process.execPath}' '${CLI}' --root '${t.root}' "$@"\n`);
    await chmod(join(bin, 'disklessset'), 0o755);
    const script = join(t.root, 'completion.bash');
    await writeFile(script, (await runCli(['completion', 'bash'], { root: t.root })).stdout);
    const driver = `source '${script}'; COMP_WORDS=(disklessset image show g); COMP_CWORD=3; _disklessset_complete; printf '%s\\n' "\${COMPREPLY[@]}"`;
    const result = await run(['bash', '-c', driver], { env: { PATH: `${bin}:${process.env.PATH}` } });
    assert.equal(result.stdout, 'gamma\n');
  } finally {
    await t.cleanup();
  }
});
