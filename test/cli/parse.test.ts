/** The command line read by commander: version, help, suggestions, input errors, the root check (in-process runs). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeTempRoot } from '../helpers/temp-root.js';
import { runCli } from '../helpers/run-cli.js';

const VERSION_LINE = new RegExp(`^disklessset \\d+\\.\\d+\\.\\d+ \\(Node\\.js ${process.version.replace(/\./g, '\\.')}\\)\\n$`);

test('--version before any command and the version command print the tool and Node versions', async () => {
  const t = await makeTempRoot();
  try {
    for (const argv of [['--version'], ['version'], ['--json', '--version']]) {
      const run = await runCli(argv, { root: t.root });
      assert.equal(run.exitCode, 0, run.stderr);
      if (argv.includes('--json')) assert.deepEqual(Object.keys(JSON.parse(run.stdout)), ['version', 'node']);
      else assert.match(run.stdout, VERSION_LINE);
    }
  } finally {
    await t.cleanup();
  }
});

test('kernel add FILE --version V adds the kernel under that version: after a command, --version is its own option', async () => {
  const t = await makeTempRoot();
  const source = await mkdtemp(join(tmpdir(), 'disklessset-kernel-src-'));
  try {
    await writeFile(join(source, 'bzImage'), 'kernel bytes');
    const run = await runCli(['kernel', 'add', join(source, 'bzImage'), '--version', '6.1.0-77-amd64'], { root: t.root });
    assert.equal(run.exitCode, 0, run.stderr);
    assert.doesNotMatch(run.stdout, /^disklessset \d/);
    const list = await runCli(['--json', 'kernel', 'list'], { root: t.root });
    assert.deepEqual((JSON.parse(list.stdout) as { kernel: string }[]).map((k) => k.kernel), ['vmlinuz-6.1.0-77-amd64']);
  } finally {
    await rm(source, { recursive: true, force: true });
    await t.cleanup();
  }
});

test('help, help COMMAND..., a bare group word and COMMAND --help all print help on stdout with exit 0', async () => {
  const t = await makeTempRoot();
  try {
    const cases: [string[], RegExp][] = [
      [['help'], /Usage: disklessset \[global options\] COMMAND/],
      [['--help'], /Usage: disklessset \[global options\] COMMAND/],
      [['help', 'image'], /Usage: disklessset image COMMAND[\s\S]*list/],
      [['image'], /Usage: disklessset image COMMAND[\s\S]*set-kernel/],
      [['nfs', 'nodes'], /Usage: disklessset nfs nodes COMMAND/],
      [['help', 'kernel', 'add'], /Usage: disklessset kernel add \[options\] <PATH>/],
      [['kernel', 'add', '--help'], /Usage: disklessset kernel add \[options\] <PATH>/],
      [['image', 'list', '-h'], /Usage: disklessset image list/],
    ];
    for (const [argv, expected] of cases) {
      const run = await runCli(argv, { root: t.root });
      assert.equal(run.exitCode, 0, `${argv.join(' ')}: ${run.stderr}`);
      assert.match(run.stdout, expected, argv.join(' '));
      assert.equal(run.stderr, '', argv.join(' '));
    }
  } finally {
    await t.cleanup();
  }
});

test('a command\'s help shows its arguments, its options, the global options and an example', async () => {
  const t = await makeTempRoot();
  try {
    const { stdout } = await runCli(['help', 'kernel', 'add'], { root: t.root });
    assert.match(stdout, /--version <VERSION>/);
    assert.match(stdout, /Global options:[\s\S]*--root <DIR>[\s\S]*--json[\s\S]*--yes/);
    assert.match(stdout, /Example:\n {2}disklessset kernel add \S+/);
  } finally {
    await t.cleanup();
  }
});

test('unknown commands and options name the nearest known one: one line on stderr, exit 2', async () => {
  const t = await makeTempRoot();
  try {
    const cases: [string[], RegExp][] = [
      [['imgae', 'list'], /unknown command "imgae"; did you mean `image`\?/],
      [['kernal', 'list'], /unknown command "kernal"; did you mean `kernel`\?/],
      [['image', 'lst'], /unknown command "image lst"; did you mean `image list`\?/],
      [['image', 'list', '--jsn'], /unknown option --jsn \(did you mean --json\?\)/],
      [['--jsn', 'image', 'list'], /unknown option --jsn \(did you mean --json\?\)/],
    ];
    for (const [argv, expected] of cases) {
      const run = await runCli(argv, { root: t.root });
      assert.equal(run.exitCode, 2, argv.join(' '));
      assert.equal(run.stdout, '');
      assert.match(run.stderr, expected);
      assert.equal(run.stderr.trimEnd().split('\n').length, 1, run.stderr);
    }
  } finally {
    await t.cleanup();
  }
});

test('every input problem of a line is named in one error, before any work: nothing is added', async () => {
  const t = await makeTempRoot();
  try {
    const run = await runCli(['kernel', 'add', '--jsn', '--initramfz=x', '--version'], { root: t.root });
    assert.equal(run.exitCode, 2);
    assert.match(run.stderr, /unknown option --jsn/);
    assert.match(run.stderr, /unknown option --initramfz \(did you mean --initramfs\?\)/);
    assert.match(run.stderr, /option --version needs a value/);
    assert.match(run.stderr, /missing argument PATH/);
    assert.equal(run.stderr.trimEnd().split('\n').length, 1);
    const extra = await runCli(['image', 'show', 'a', 'b'], { root: t.root });
    assert.match(extra.stderr, /unexpected argument "b"/);
    assert.equal(extra.exitCode, 2);
    assert.deepEqual(await readdir(t.root), []);
  } finally {
    await t.cleanup();
  }
});

test('under --json an error is one JSON object {code, message, hint} on stderr, with the usual exit code', async () => {
  const t = await makeTempRoot();
  try {
    const usage = await runCli(['--json', 'image', 'lst'], { root: t.root });
    assert.equal(usage.exitCode, 2);
    assert.equal(usage.stdout, '');
    const error = JSON.parse(usage.stderr) as Record<string, string>;
    assert.deepEqual(Object.keys(error), ['code', 'message', 'hint']);
    assert.equal(error.code, 'E_UNKNOWN_COMMAND');
    assert.match(String(error.message), /did you mean `image list`/);
    const missing = await runCli(['image', 'show', 'nothing-here', '--json'], { root: t.root });
    assert.equal(missing.exitCode, 1);
    assert.equal(JSON.parse(missing.stderr).code, 'E_IMAGE_NOT_FOUND');
  } finally {
    await t.cleanup();
  }
});

test('a --root (or DISKLESS_ROOT) that names no folder is an error, exit 2, not an empty listing', async () => {
  const t = await makeTempRoot();
  try {
    const missing = join(t.root, 'no-such-root');
    const flag = await runCli(['image', 'list'], { root: missing });
    assert.equal(flag.exitCode, 2);
    assert.equal(flag.stdout, '');
    assert.match(flag.stderr, /root prefix .*no-such-root does not exist/);
    const fromEnv = await runCli(['image', 'list'], { env: { DISKLESS_ROOT: missing } });
    assert.equal(fromEnv.exitCode, 2);
    await writeFile(join(t.root, 'a-file'), '');
    assert.equal((await runCli(['image', 'list'], { root: join(t.root, 'a-file') })).exitCode, 2);
  } finally {
    await t.cleanup();
  }
});

test('no command and no terminal is bad usage (exit 2), not a menu waiting for input', async () => {
  const t = await makeTempRoot();
  try {
    const run = await runCli([], { root: t.root });
    assert.equal(run.exitCode, 2);
    assert.match(run.stderr, /no command given/);
  } finally {
    await t.cleanup();
  }
});

test('a required option is marked in help, and leaving it out is exit 2 naming it, before anything is written', async () => {
  const t = await makeTempRoot();
  try {
    const help = await runCli(['help', 'api', 'token', 'create'], { root: t.root });
    assert.match(help.stdout, /--role <ROLE> .*\(required\)/);
    const run = await runCli(['api', 'token', 'create', '--name', 'ci'], { root: t.root });
    assert.equal(run.exitCode, 2);
    assert.match(run.stderr, /missing option --role <ROLE>/);
    assert.deepEqual(await readdir(t.root), []);
  } finally {
    await t.cleanup();
  }
});

test('a single-valued option given twice is exit 2 naming it, before anything is written; repeatable ones stay repeatable', async () => {
  const t = await makeTempRoot();
  try {
    const twice = await runCli(['demo', 'create', 'ok2', '--message', 'x', '--message', 'y'], { root: t.root });
    assert.equal(twice.exitCode, 2, twice.stderr);
    assert.match(twice.stderr, /--message given twice; give it once/);
    assert.equal((await runCli(['--json', 'image', 'list'], { root: t.root })).stdout.includes('ok2'), false);
    const mixed = await runCli(['kernel', 'initramfs', 'vmlinuz-6.1.0-1-amd64', '--dracut-arg', '--a', '--dracut-arg', '--b', '--chroot=/x', '--chroot', '/y'],
      { root: t.root });
    assert.equal(mixed.exitCode, 2);
    assert.match(mixed.stderr, /--chroot given twice/);
    assert.doesNotMatch(mixed.stderr, /--dracut-arg given twice/);
    const roots = await runCli(['--root', t.root, 'image', 'list', '--root', t.root]);
    assert.equal(roots.exitCode, 2);
    assert.match(roots.stderr, /--root given twice; give it once/);
  } finally {
    await t.cleanup();
  }
});

test('an empty --root or DISKLESS_ROOT says the root prefix is empty, exit 2', async () => {
  for (const run of [await runCli(['image', 'list'], { root: '' }), await runCli(['image', 'list'], { env: { DISKLESS_ROOT: '' } })]) {
    assert.equal(run.exitCode, 2);
    assert.match(run.stderr, /the root prefix is empty/);
    assert.equal(run.stdout, '');
  }
});
