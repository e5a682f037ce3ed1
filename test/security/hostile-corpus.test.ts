/**
 * The hostile-input corpus: every command line and HTTP request of
 * corpus-cli.ts and corpus-http.ts against a root holding a livenet image, an
 * NFS golden image, a boot assignment and API tokens, with sentinel folders
 * around the root. Figures (tried, refused correctly, changes outside the
 * root, server crashes) are printed for docs/security.md.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import { openServices } from '../../src/services/services.js';
import { CLI } from '../helpers/temp-root.js';
import { runCli, type CliRun } from '../helpers/run-cli.js';
import { addDummyKernel, makeBusyboxTree } from '../helpers/livenet-fixtures.js';
import { startCliServer, type CliServer } from '../e2e/kit/cli-server.js';
import { cliCorpus, GOOD_HASH, GOOD_IMAGE, GOOD_KERNEL, type CliCase } from './corpus-cli.js';
import { httpCorpus, sendRaw } from './corpus-http.js';
import { makeHostileWorld, type HostileWorld } from '../helpers/hostile-world.js';

let world: HostileWorld;
let tree: string;

/** One command line, in this process: the corpus judges exit codes, output and files, which match the executable's (test/cli/process.test.ts). */
function cli(args: string[]): Promise<CliRun> {
  return runCli(args, { root: world.root });
}

async function mustSucceed(args: string[]): Promise<CliRun> {
  const result = await cli(args);
  assert.equal(result.exitCode, 0, `set-up step \`${args.join(' ')}\` failed: ${result.stderr}`);
  return result;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

before(async () => {
  world = await makeHostileWorld();
  const paths = (await openServices({ root: world.root })).paths;
  await addDummyKernel(paths.kernelsDir, GOOD_KERNEL);
  tree = join(world.inputs, 'tree');
  await rename(await makeBusyboxTree(world.inputs), tree);
  await mustSucceed(['livenet', 'create', GOOD_IMAGE, '--kernel', GOOD_KERNEL, '--type', 'core', '--size', '200M',
    '--source', `dir:${tree}`, '--password-hash', GOOD_HASH]);
  await mustSucceed(['nfs', 'staging', 'create', 'st', '--kernel', GOOD_KERNEL, '--source', `dir:${tree}`, '--password-hash', GOOD_HASH]);
  await mustSucceed(['nfs', 'golden', 'create', 'gold', '--from', 'st']);
  await mustSucceed(['boot', 'set', 'n1', GOOD_IMAGE]);
});

after(async () => {
  await world?.cleanup();
});

/** What one hostile input did. */
interface Outcome {
  what: string;
  refusedCorrectly: boolean;
  changedOutside: boolean;
  changedRoot: boolean;
  detail: string;
}

function placeholders(argv: string[]): string[] {
  return argv.map((arg) => arg.replace(/^SPEC$/, join(world.inputs, 'spec.yml')).replace(/^dir:TREE$/, `dir:${tree}`));
}

async function tryCliCase(item: CliCase): Promise<Outcome> {
  await item.setup?.(world);
  const [outsideBefore, rootBefore] = [await world.sentinelChecksum(), await world.rootChecksum()];
  const argv = placeholders(item.argv);
  const result = await cli(argv);
  const [outsideAfter, rootAfter] = [await world.sentinelChecksum(), await world.rootChecksum()];
  await item.teardown?.(world);
  const lines = result.stderr.trim().split('\n');
  const oneLine = lines.length === 1 && lines[0]!.startsWith('disklessset: ');
  return {
    what: `${item.category}: ${JSON.stringify(argv)}`,
    refusedCorrectly: result.exitCode === 2 && oneLine,
    changedOutside: outsideBefore !== outsideAfter,
    changedRoot: rootBefore !== rootAfter,
    detail: `exit ${result.exitCode}, stderr ${JSON.stringify(result.stderr.slice(0, 300))}`,
  };
}

function report(kind: string, outcomes: Outcome[], crashes = 0): void {
  const refused = outcomes.filter((o) => o.refusedCorrectly).length;
  const outside = outcomes.filter((o) => o.changedOutside).length;
  const inside = outcomes.filter((o) => o.changedRoot).length;
  console.log(`hostile corpus (${kind}): ${outcomes.length} inputs tried, ${refused} refused correctly, `
    + `${outside} changed something outside the root, ${inside} changed the root, ${crashes} server crashes`);
}

function failures(outcomes: Outcome[]): string[] {
  return outcomes.filter((o) => !o.refusedCorrectly || o.changedOutside || o.changedRoot)
    .map((o) => `${o.what}: ${o.detail}${o.changedOutside ? ' CHANGED OUTSIDE THE ROOT' : ''}${o.changedRoot ? ' changed the root' : ''}`);
}

test('every hostile command line exits 2 with one line and changes nothing, inside or outside the root', async () => {
  const outcomes: Outcome[] = [];
  for (const item of cliCorpus()) outcomes.push(await tryCliCase(item));
  report('command lines', outcomes);
  assert.ok(outcomes.length >= 200, `the corpus holds ${outcomes.length} command lines`);
  assert.deepEqual(failures(outcomes), []);
  // The base state still works: the refusals did not damage it.
  assert.equal((await cli(['image', 'show', GOOD_IMAGE])).exitCode, 0);
});

test('every hostile HTTP request is refused, nothing outside the root changes, and serve never stops', async () => {
  const admin = JSON.parse((await mustSucceed(['--json', 'api', 'token', 'create', '--role', 'admin'])).stdout).token as string;
  const read = JSON.parse((await mustSucceed(['--json', 'api', 'token', 'create', '--role', 'read'])).stdout).token as string;
  const port = await freePort();
  let server: CliServer | undefined;
  try {
    server = await startCliServer({ cli: CLI, root: world.root, port, extraArgs: ['--api'] });
    const outcomes: Outcome[] = [];
    let crashes = 0;
    for (const item of httpCorpus({ admin, read, image: GOOD_IMAGE, kernel: GOOD_KERNEL, hash: GOOD_HASH })) {
      const outsideBefore = await world.sentinelChecksum();
      const status = await sendRaw(port, item.raw);
      // A legitimate request right after: the server must still answer it.
      const alive = await sendRaw(port, `GET /preboot_execution_environment/diskless/images/${GOOD_IMAGE}/boot.ipxe HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
      if (alive !== 200) crashes += 1;
      outcomes.push({
        what: `http: ${item.what}`, refusedCorrectly: item.expect(status), changedOutside: outsideBefore !== await world.sentinelChecksum(),
        changedRoot: false, detail: `status ${status}, next request ${alive}`,
      });
    }
    report('HTTP requests', outcomes, crashes);
    assert.equal(crashes, 0, server.output().slice(-2000));
    assert.deepEqual(failures(outcomes), []);
    assert.ok(!server.output().includes(admin), 'a token was written to the access log');
  } finally {
    await server?.stop();
  }
});
