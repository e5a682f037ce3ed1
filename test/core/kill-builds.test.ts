import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { open, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { CLI, makeTempRoot, type TempRoot } from '../helpers/temp-root.js';
import { ANY_COMMANDS, assertConsistent, processesUnder, runKilled, seededRandom } from '../helpers/kill-check.js';
import { addDummyKernel, makeBusyboxTree, TEST_KERNEL } from '../helpers/livenet-fixtures.js';
import { sha512Crypt } from '../../src/core/os/password.js';

async function statuses(t: TempRoot): Promise<Record<string, string>> {
  const listed = await t.cli(['image', 'list', '--json']);
  assert.equal(listed.exitCode, 0, listed.stderr);
  return Object.fromEntries((JSON.parse(listed.stdout) as { name: string; status: string }[]).map((i) => [i.name, i.status]));
}

test('demo builds killed at 20 random moments are never DAMAGED, leave no temp file, lock or process, and are cleaned with a notice', async (context) => {
  const t = await makeTempRoot();
  try {
    const { paths } = await t.services();
    const random = seededRandom(2026);
    const seen: Record<string, number> = {};
    for (let kill = 0; kill < 20; kill += 1) {
      const delay = Math.floor(random() * 4000);
      await runKilled(t.root, ['demo', 'create', `d${kill}`, '--message', 'm', '--delay', '0.2'], delay);
      const next = ANY_COMMANDS[Math.floor(random() * ANY_COMMANDS.length)] as string[];
      const answer = await t.cli(next);
      assert.equal(answer.exitCode, 0, `${next.join(' ')} after a kill at ${delay} ms: ${answer.stderr}`);
      await assertConsistent(t.root, paths, `kill ${kill} at ${delay} ms, then ${next.join(' ')}`);
      const status = (await statuses(t))[`d${kill}`];
      assert.ok(status === undefined || status === 'CREATED' || status === 'CORRUPTED', `d${kill} is ${status} after a kill at ${delay} ms`);
      seen[status ?? 'absent'] = (seen[status ?? 'absent'] ?? 0) + 1;
    }
    // Each build also cleaned the CORRUPTED leftovers of the kills before it; the last ones are cleaned here.
    context.diagnostic(`after each kill: ${JSON.stringify(seen)}`);
    const corrupted = Object.entries(await statuses(t)).filter(([, s]) => s === 'CORRUPTED').map(([name]) => name);
    const next = await t.cli(['demo', 'create', 'final', '--message', 'm']);
    assert.equal(next.exitCode, 0, next.stderr);
    for (const name of corrupted) assert.match(next.stderr, new RegExp(`cleaned leftovers of killed build ${name}\\b`));
    const after = await statuses(t);
    assert.deepEqual(Object.values(after).filter((s) => s !== 'CREATED'), [], 'only created images remain');
    const demoFolders = (await readdir(paths.demoDir)).filter((n) => n.startsWith('demo_directory_')).sort();
    assert.deepEqual(demoFolders, Object.keys(after).map((name) => `demo_directory_${name}`).sort(), 'no folder of a killed build is left');
    await assertConsistent(t.root, paths, 'after the cleaning build');
  } finally {
    await t.cleanup();
  }
});

test('a livenet build killed with SIGKILL: image clean stops its cp/mkfs/mksquashfs before deleting, and no child survives', async () => {
  const t = await makeTempRoot();
  try {
    const tree = await makeBusyboxTree(t.root);
    // Incompressible data makes every copy and compression step last long enough to be caught running.
    const big = await open(join(tree, 'root', 'data.bin'), 'w');
    for (let i = 0; i < 96; i += 1) await big.write(randomBytes(1024 * 1024));
    await big.close();
    const { paths } = await t.services();
    await addDummyKernel(paths.kernelsDir);
    const build = spawn(process.execPath, [CLI, '--root', t.root, 'livenet', 'create', 'big', '--kernel', TEST_KERNEL, '--source', `dir:${tree}`,
      '--size', '512M', '--password-hash', sha512Crypt('n0de-pass')], { stdio: 'ignore', env: { ...process.env, DISKLESS_ROOT: '' } });
    const exited = new Promise((resolve) => build.once('exit', resolve));
    let running = false;
    build.once('exit', () => { running = true; });
    let seen: string[] = [];
    // The preflight measures the source tree (du, find) before the build is registered: a command counts only once
    // the registry names the build, else a kill during a slow preflight leaves no image to find CORRUPTED.
    const registered = async (): Promise<boolean> => (await readFile(paths.installationsFile, 'utf8').catch(() => '')).includes('big');
    // Wait for one of the build's own commands to run (bounded: a build that ends first fails the test below).
    for (let i = 0; i < 2400 && !running && seen.length === 0; i += 1) {
      await sleep(50);
      if (!(await registered())) continue;
      seen = (await processesUnder(t.root)).filter((p) => !p.startsWith(`${build.pid}:`) && /\b(cp|mkfs\.ext4|mksquashfs|du|find)\b/.test(p));
    }
    assert.notEqual(seen.length, 0, 'a command of the build was seen running');
    build.kill('SIGKILL');
    await exited;
    // Any command stops what the killed build left running; the files wait for a clean.
    assert.equal((await statuses(t)).big, 'CORRUPTED');
    assert.deepEqual(await processesUnder(t.root), [], `no command of the killed build runs after the next command (seen: ${seen.join('; ')})`);

    const cleaned = await t.cli(['image', 'clean', 'big', '--yes']);
    assert.equal(cleaned.exitCode, 0, cleaned.stderr);
    assert.deepEqual(await processesUnder(t.root), [], `no command of the killed build runs once clean reports success (seen: ${seen.join('; ')})`);
    assert.ok(!existsSync(paths.imageDir('big')), 'image folder removed');
    assert.ok(!existsSync(paths.imageWorkDir('big')), 'work folder removed');
    assert.deepEqual(await statuses(t), {});
  } finally {
    await t.cleanup();
  }
});
