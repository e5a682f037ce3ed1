import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CLI, makeTempRoot, type TempRoot } from '../helpers/temp-root.js';

async function statusOf(t: TempRoot, name: string): Promise<string | undefined> {
  const listed = JSON.parse((await t.cli(['image', 'list', '--json'])).stdout) as { name: string; status: string }[];
  return listed.find((i) => i.name === name)?.status;
}

async function assertNoLeftovers(t: TempRoot, name: string): Promise<void> {
  const { paths } = await t.services();
  assert.ok(!existsSync(paths.imageDir(name)), 'image folder removed');
  assert.ok(!existsSync(join(paths.demoDir, `demo_directory_${name}`)), 'demo folder removed');
  assert.ok(!existsSync(join(paths.workDir, `demo_${name}.tmp`)), 'temporary file removed');
  const installations = await readFile(paths.installationsFile, 'utf8').catch(() => '');
  assert.doesNotMatch(installations, new RegExp(`^${name}:`, 'm'), 'installations entry dropped');
}

test('a build killed with SIGKILL turns CORRUPTED and is cleaned without leftovers', async () => {
  const t = await makeTempRoot();
  try {
    const child = spawn(process.execPath, [CLI, '--root', t.root, 'demo', 'create', 'victim', '--message', 'm', '--delay', '60'], { stdio: 'ignore' });
    let status: string | undefined;
    for (let i = 0; i < 200 && status !== 'IN_CREATION'; i += 1) {
      await sleep(100);
      status = await statusOf(t, 'victim');
    }
    assert.equal(status, 'IN_CREATION', 'the build is seen in progress');
    const { paths } = await t.services();
    // Wait until the build reached its pause, with its temporary file written.
    for (let i = 0; i < 100 && !existsSync(join(paths.workDir, 'demo_victim.tmp')); i += 1) await sleep(100);
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    assert.equal(await statusOf(t, 'victim'), 'CORRUPTED');
    assert.ok(existsSync(join(paths.demoDir, 'demo_directory_victim')), 'the crash left its folder behind');

    const cleaned = await t.cli(['image', 'clean', 'victim', '--yes']);
    assert.equal(cleaned.exitCode, 0, cleaned.stderr);
    await assertNoLeftovers(t, 'victim');
  } finally {
    await t.cleanup();
  }
});

test('--crash leaves a CORRUPTED image that the next mutating command cleans first', async () => {
  const t = await makeTempRoot();
  try {
    const crashed = await t.cliProcess(['demo', 'create', 'crashy', '--message', 'm', '--crash']);
    assert.notEqual(crashed.exitCode, 0);
    assert.equal(await statusOf(t, 'crashy'), 'CORRUPTED');
    const next = await t.cli(['demo', 'create', 'other', '--message', 'm']);
    assert.equal(next.exitCode, 0, next.stderr);
    await assertNoLeftovers(t, 'crashy');
    assert.equal(await statusOf(t, 'other'), 'CREATED');
  } finally {
    await t.cleanup();
  }
});

test('an image being created cannot be cleaned or removed', async () => {
  const t = await makeTempRoot();
  try {
    const child = spawn(process.execPath, [CLI, '--root', t.root, 'demo', 'create', 'busy', '--message', 'm', '--delay', '60'], { stdio: 'ignore' });
    for (let i = 0; i < 200 && (await statusOf(t, 'busy')) !== 'IN_CREATION'; i += 1) await sleep(100);
    const clean = await t.cli(['image', 'clean', 'busy', '--yes']);
    assert.equal(clean.exitCode, 1);
    assert.match(clean.stderr, /being created/);
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  } finally {
    await t.cleanup();
  }
});
