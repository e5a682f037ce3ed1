/** The executable itself (the bundled CLI, dist/bundle/disklessset.js) as a real process: exit codes, and Ctrl-C ending a long command. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { CLI, makeTempRoot } from '../helpers/temp-root.js';

test('the process exits 0 on success, 2 on bad usage, 1 on a failed operation', async () => {
  const t = await makeTempRoot();
  try {
    const version = await t.cliProcess(['--version']);
    assert.equal(version.exitCode, 0);
    assert.match(version.stdout, /^disklessset \d/);
    const usage = await t.cliProcess(['imgae', 'list']);
    assert.equal(usage.exitCode, 2);
    assert.match(usage.stderr, /^disklessset: unknown command "imgae"; did you mean `image`\?/);
    const missing = await t.cliProcess(['image', 'show', 'absent']);
    assert.equal(missing.exitCode, 1);
  } finally {
    await t.cleanup();
  }
});

test('Ctrl-C (SIGINT) stops a running server, which says so and exits 0', async () => {
  const t = await makeTempRoot();
  try {
    const child = spawn(process.execPath, [CLI, '--root', t.root, 'serve', '--listen', '127.0.0.1', '--port', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DISKLESS_ROOT: undefined, NO_COLOR: '1' },
    });
    let stdout = '';
    child.stdout.setEncoding('utf8');
    const started = new Promise<void>((resolve) => {
      child.stdout.on('data', (chunk: string) => {
        stdout += chunk;
        if (stdout.includes('serving ')) resolve();
      });
    });
    const exited = once(child, 'exit');
    await Promise.race([started, exited]);
    child.kill('SIGINT');
    const [code] = await exited as [number | null];
    assert.equal(code, 0);
    assert.match(stdout, /serving .* at http:\/\/127\.0\.0\.1:\d+/);
    assert.match(stdout, /server stopped/);
  } finally {
    await t.cleanup();
  }
});

test('the in-process runs most tests use print what the executable prints, with the same exit code', async () => {
  const inProcess = await makeTempRoot();
  const executable = await makeTempRoot();
  try {
    // Each root's own path and the build times are the only expected differences.
    // Timestamps and elapsed times differ between two runs of the same command.
    const same = (text: string, root: string) => text.replaceAll(root, 'ROOT')
      .replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, 'TIME')
      .replace(/\bin (\d+h)?(\d+m)?\d+s\b/g, 'in ELAPSED');
    const seen = (run: { exitCode: number; stdout: string; stderr: string }, root: string) => ({
      exitCode: run.exitCode, stdout: same(run.stdout, root), stderr: same(run.stderr, root),
    });
    for (const args of [['--version'], ['help', 'image'], ['imgae', 'list'], ['image', 'show', 'absent'],
      ['--json', 'image', 'show', 'absent'], ['demo', 'create', 'd1', '--message', 'hi'], ['image', 'list'],
      ['--json', 'image', 'show', 'd1'], ['demo', 'create', 'd1', '--message', 'again'], ['boot', 'set', 'n[1-3]', 'd1'],
      ['boot', 'list'], ['image', 'remove', 'd1']]) {
      assert.deepEqual(seen(await inProcess.cli(args), inProcess.root), seen(await executable.cliProcess(args), executable.root), args.join(' '));
    }
  } finally {
    await inProcess.cleanup();
    await executable.cleanup();
  }
});

/** Runs `demo create` with a long step, sends `signal` once that step has begun, and returns what the process said. */
async function interruptedBuild(root: string, name: string, signal: NodeJS.Signals, json: boolean): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [CLI, '--root', root, ...(json ? ['--json'] : []), 'demo', 'create', name, '--message', 'x', '--delay', '20'], {
    stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DISKLESS_ROOT: undefined, NO_COLOR: '1' },
  });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  const begun = new Promise<void>((resolve) => {
    child.stderr.on('data', (chunk: string) => {
      stderr += chunk;
      if (stderr.includes('write temporary file')) resolve();
    });
  });
  const exited = once(child, 'exit');
  await Promise.race([begun, exited]);
  child.kill(signal);
  const [code] = await exited as [number | null];
  return { code, stderr };
}

test('Ctrl-C during a build says "interrupted" and exits 130 (SIGTERM: 143); what the build began is cleaned', async () => {
  const t = await makeTempRoot();
  try {
    const sigint = await interruptedBuild(t.root, 'sig', 'SIGINT', false);
    assert.equal(sigint.code, 130, sigint.stderr);
    assert.match(sigint.stderr, /^interrupted in \d/m);
    assert.match(sigint.stderr, /^disklessset: interrupted/m);
    assert.doesNotMatch(sigint.stderr, /unexpected error|failed in/);
    const sigterm = await interruptedBuild(t.root, 'term', 'SIGTERM', true);
    assert.equal(sigterm.code, 143, sigterm.stderr);
    const lines = sigterm.stderr.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.ok(lines.some((line) => line.type === 'summary' && line.outcome === 'interrupted'), sigterm.stderr);
    assert.equal(lines.at(-1)?.code, 'E_INTERRUPTED');
    const list = await t.cli(['--json', 'image', 'list']);
    assert.deepEqual(JSON.parse(list.stdout), []);
  } finally {
    await t.cleanup();
  }
});
