import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Paths } from '../../src/core/paths.js';
import { pidExists } from '../../src/core/state/process-identity.js';
import { fetchAnswer, waitUntil } from '../helpers/serve-fixture.js';
import { makeTempRoot, type TempRoot } from '../helpers/temp-root.js';
import { startServeProcess, type ServeProcess } from '../helpers/serve-process.js';

/** Starts `serve --workers 2` as a real process; resolves with it, its URL and the ids of its worker processes. */
async function serveWithWorkers(t: TempRoot): Promise<{ serve: ServeProcess; url: string; workers: number[] }> {
  const serve = await startServeProcess(t.root, ['--listen', '127.0.0.1', '--port', '0', '--workers', '2'], 'serving ');
  const url = /serving \S+ at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(serve.stdout())?.[1];
  assert.ok(url, `${serve.stdout()}\n${serve.stderr()}`);
  const children = await readFile(`/proc/${serve.pid}/task/${serve.pid}/children`, 'utf8');
  const workers = children.trim().split(/\s+/).filter(Boolean).map(Number);
  return { serve, url, workers };
}

test('serve --workers 2 serves from two worker processes, logs their requests in the primary, and SIGTERM stops them all', async () => {
  const t = await makeTempRoot();
  try {
    // Where the paths module puts the served images, under the temporary root.
    const paths = new Paths(t.root);
    await mkdir(paths.imagesDir, { recursive: true });
    await writeFile(join(paths.imagesDir, 'hello.txt'), 'hello\n', { mode: 0o644 });
    const served = await serveWithWorkers(t);
    assert.equal(served.workers.length, 2, 'two worker processes');
    for (let i = 0; i < 4; i += 1) {
      const answer = await fetchAnswer(served.url, `${paths.urlPath('imagesDir')}/hello.txt`);
      assert.equal(answer.status, 200);
      assert.equal(answer.body.toString(), 'hello\n');
    }
    // Access lines are written by the primary, from the workers' messages.
    await waitUntil(() => (served.serve.stderr().match(/hello\.txt/g) ?? []).length === 4);
    const code = await served.serve.stop('SIGTERM');
    assert.equal(code, 0, served.serve.stderr());
    assert.deepEqual(served.workers.filter(pidExists), [], 'no worker left behind');
  } finally {
    await t.cleanup();
  }
});

test('the workers of serve --workers stop by themselves when the primary is killed', async () => {
  const t = await makeTempRoot();
  try {
    const served = await serveWithWorkers(t);
    await served.serve.stop('SIGKILL');
    await waitUntil(() => served.workers.every((pid) => !pidExists(pid)));
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
