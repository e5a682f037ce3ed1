import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fetchAnswer, waitUntil } from '../helpers/serve-fixture.js';
import { CLI, makeTempRoot, type TempRoot } from '../helpers/temp-root.js';

/** Starts `serve --workers 2` as a real process; resolves with its URL and the ids of its worker processes. */
async function serveWithWorkers(t: TempRoot): Promise<{ child: ChildProcessWithoutNullStreams; url: string; workers: number[]; stderr: () => string }> {
  const child = spawn(process.execPath, [CLI, '--root', t.root, 'serve', '--listen', '127.0.0.1', '--port', '0', '--workers', '2'], {
    stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, DISKLESS_ROOT: undefined, NO_COLOR: '1' },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk; });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
  const exited = once(child, 'exit');
  await Promise.race([new Promise<void>((resolve) => child.stdout.on('data', () => { if (stdout.includes('serving ')) resolve(); })), exited]);
  const url = /serving \S+ at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(stdout)?.[1];
  assert.ok(url, `${stdout}\n${stderr}`);
  const children = await readFile(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8');
  const workers = children.trim().split(/\s+/).filter(Boolean).map(Number);
  return { child, url, workers, stderr: () => stderr };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test('serve --workers 2 serves from two worker processes, logs their requests in the primary, and SIGTERM stops them all', async () => {
  const t = await makeTempRoot();
  try {
    const file = join(t.root, 'var', 'www', 'html', 'preboot_execution_environment', 'diskless', 'hello.txt');
    await mkdir(join(file, '..'), { recursive: true });
    await writeFile(file, 'hello\n', { mode: 0o644 });
    const served = await serveWithWorkers(t);
    assert.equal(served.workers.length, 2, 'two worker processes');
    for (let i = 0; i < 4; i += 1) {
      const answer = await fetchAnswer(served.url, '/preboot_execution_environment/diskless/hello.txt');
      assert.equal(answer.status, 200);
      assert.equal(answer.body.toString(), 'hello\n');
    }
    // Access lines are written by the primary, from the workers' messages.
    await waitUntil(() => (served.stderr().match(/hello\.txt/g) ?? []).length === 4);
    served.child.kill('SIGTERM');
    const [code] = await once(served.child, 'exit') as [number | null];
    assert.equal(code, 0, served.stderr());
    assert.deepEqual(served.workers.filter(alive), [], 'no worker left behind');
  } finally {
    await t.cleanup();
  }
});

test('the workers of serve --workers stop by themselves when the primary is killed', async () => {
  const t = await makeTempRoot();
  try {
    const served = await serveWithWorkers(t);
    served.child.kill('SIGKILL');
    await once(served.child, 'exit');
    await waitUntil(() => served.workers.every((pid) => !alive(pid)));
  } finally {
    await t.cleanup();
  }
});

test('serve refuses a bad --workers, or --workers with --api: exit 2, one line', async () => {
  const t = await makeTempRoot();
  try {
    const cases: Array<[string[], RegExp]> = [
      [['--workers', '0'], /workers "0" is not a number from 1 to 64/],
      [['--workers', 'two'], /workers "two"/],
      [['--workers', '2', '--api'], /--workers cannot be combined with --api/],
    ];
    for (const [args, message] of cases) {
      const result = await t.cli(['serve', '--listen', '127.0.0.1', '--port', '0', ...args]);
      assert.equal(result.exitCode, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, message);
      assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
    }
  } finally {
    await t.cleanup();
  }
});
