import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { makeTempRoot, type TempRoot } from '../helpers/temp-root.js';
import { fingerprintTree, makeSentinel } from '../helpers/sentinel.js';
import { loadConfig, parseConfig } from '../../src/core/config.js';
import { DEFAULT_PATHS, Paths } from '../../src/core/paths.js';

async function writeConfig(t: TempRoot, text: string): Promise<void> {
  const file = Paths.configFile(t.root);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, text);
}

/** Runs a command that writes (a demo build) and checks it was refused with one line, having written nothing. */
async function assertRefused(t: TempRoot, problem: RegExp, message: RegExp): Promise<void> {
  const before = await fingerprintTree(t.root);
  const result = await t.cli(['demo', 'create', 'probe', '--message', 'm', '--json']);
  assert.equal(result.exitCode, 2, result.stderr);
  assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
  assert.match(result.stderr, message);
  assert.match(result.stderr, problem);
  assert.deepEqual(await fingerprintTree(t.root), before, 'nothing written under the root');
}

test('configured paths that leave the root, are not served or break iPXE lines are refused with exit 2, nothing written', async () => {
  // Configured paths are read below --root: `${WWW}` is the default HTTP root inside the temporary root.
  const WWW = DEFAULT_PATHS.httpRoot;
  const cases: [string, RegExp, RegExp][] = [
    ['imagesDir: /../escaped/images', /E_CONFIG_PATH_OUTSIDE_ROOT|\. or \.\. part/, /imagesDir/],
    ['imagesDir: /srv/pxe/diskless/images', /not a folder below httpRoot/, /put imagesDir below httpRoot/],
    [`imagesDir: '${WWW}/pxe boot/images'`, /characters that break/, /imagesDir/],
    [`kernelsDir: ${WWW}/k$x`, /characters that break/, /kernelsDir/],
    [`bootNodesDir: ${WWW}/a%20b`, /characters that break/, /bootNodesDir/],
    [`bootNodesDir: '${WWW}/a#b'`, /characters that break/, /bootNodesDir/],
    [`stateDir: ${WWW}/state`, /inside httpRoot/, /stateDir/],
    ['httpRoot: /srv/www', /not a folder below httpRoot/, /imagesDir/],
  ];
  const t = await makeTempRoot();
  const outsideBefore = existsSync(join(t.root, '..', 'escaped'));
  try {
    for (const [line, problem, message] of cases) {
      await writeConfig(t, `paths:\n  ${line}\n`);
      await assertRefused(t, problem, message);
    }
    assert.equal(existsSync(join(t.root, '..', 'escaped')), outsideBefore, 'nothing made beside the root');
  } finally {
    await t.cleanup();
  }
});

test('a symbolic link leading a location out of the root is refused before anything is written there', async () => {
  const t = await makeTempRoot();
  const sentinel = await makeSentinel();
  try {
    const before = await sentinel.fingerprint();
    await mkdir(join(t.root, 'srv'), { recursive: true });
    await symlink(sentinel.dir, join(t.root, 'srv', 'link'));
    await writeConfig(t, 'paths:\n  workDir: /srv/link/work\n');
    await assertRefused(t, /leads to/, /outside the root/);
    // A link that stays in the root, but leaves the HTTP root, makes boot files that are never served.
    await writeConfig(t, '');
    await mkdir(join(t.root, 'var', 'www', 'html', 'preboot_execution_environment', 'diskless'), { recursive: true });
    await mkdir(join(t.root, 'elsewhere'));
    await symlink(join(t.root, 'elsewhere'), join(t.root, 'var', 'www', 'html', 'preboot_execution_environment', 'diskless', 'images'));
    await assertRefused(t, /leads to/, /outside the HTTP root/);
    assert.deepEqual(await sentinel.fingerprint(), before);
  } finally {
    await sentinel.cleanup();
    await t.cleanup();
  }
});

test("the README's example config is valid: paths normalised, served ones below httpRoot, URLs from the HTTP root", async () => {
  const t = await makeTempRoot();
  try {
    await writeConfig(t, ['paths:', '  httpRoot: /srv/pxe/', '  imagesDir: //srv/pxe/diskless//images/',
      '  kernelsDir: /srv/pxe/diskless/kernels', '  bootNodesDir: /srv/pxe/diskless/nodes', ''].join('\n'));
    const config = await loadConfig(t.root);
    assert.equal(config.paths.imagesDir, '/srv/pxe/diskless/images');
    const paths = new Paths(t.root, config.paths);
    assert.equal(paths.urlPath('imagesDir'), '/diskless/images');
    assert.equal(paths.imagesDir, join(t.root, 'srv', 'pxe', 'diskless', 'images'));
    const created = await t.cli(['demo', 'create', 'probe', '--message', 'm']);
    assert.equal(created.exitCode, 0, created.stderr);
    assert.ok(existsSync(join(paths.imageDir('probe'), 'boot.ipxe')));
  } finally {
    await t.cleanup();
  }
});

test('parseConfig refuses unsafe path text without looking at the disk', () => {
  for (const bad of ['relative/path', '/a/./b', '/a/../b', '/a b', "/a'b", '/a"b', '/a?b', '/a\tb', '/a\nb', '/a;b', '/é']) {
    assert.throws(() => parseConfig({ paths: { imagesDir: bad } }, 'diskless.yml'),
      (error: { code?: string }) => ['E_CONFIG_INVALID', 'E_CONFIG_PATH_CHARS', 'E_CONFIG_PATH_OUTSIDE_ROOT'].includes(error.code ?? ''), bad);
  }
  assert.deepEqual(parseConfig({ paths: { demoDir: '/data//demo/' } }, 'diskless.yml').paths, { demoDir: '/data/demo' });
});
