import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bindSystemDirs, CHROOT_PATH, chrootEnvironment, unbindSystemDirs } from '../../src/system/chroot.js';
import { mountsUnder, unmountTree } from '../../src/system/mount.js';
import { makeTempRoot, type TempRoot } from '../helpers/temp-root.js';
import { makeBusyboxTree } from '../helpers/livenet-fixtures.js';

const VERSION = '6.1.0-test';

/**
 * A busybox tree whose `dracut` does what matters here the way the real one
 * does (a work folder made in $TMPDIR, default /var/tmp), and writes the
 * environment it saw as the "initramfs" so the test can read it.
 */
async function treeWithDracut(t: TempRoot): Promise<string> {
  const tree = await makeBusyboxTree(t.root);
  for (const dir of ['usr/bin', 'var/tmp', `lib/modules/${VERSION}`]) await mkdir(join(tree, dir), { recursive: true });
  await writeFile(join(tree, 'usr/bin/dracut'), [
    '#!/bin/sh',
    'work=$(busybox mktemp -d -p "${TMPDIR:-/var/tmp}") || exit 7',
    'for a; do case "$a" in */initramfs.img) busybox env > "$a";; esac; done',
    'busybox rmdir "$work"',
    '',
  ].join('\n'));
  await chmod(join(tree, 'usr/bin/dracut'), 0o755);
  await writeFile(join(t.root, `vmlinuz-${VERSION}`), 'not a real kernel\n');
  assert.equal((await t.cli(['kernel', 'add', join(t.root, `vmlinuz-${VERSION}`)])).exitCode, 0);
  return tree;
}

test('kernel initramfs --chroot gives the tree a clean environment: a TMPDIR missing in the tree does not matter', async () => {
  const t = await makeTempRoot();
  try {
    const tree = await treeWithDracut(t);
    const made = await t.cliProcess(['kernel', 'initramfs', `vmlinuz-${VERSION}`, '--chroot', tree],
      { env: { TMPDIR: '/nonexistent-in-tree', DISKLESS_LEAK_CHECK: 'host-only', LANG: 'xx_YY.UTF-8', HOME: '/home/somebody' } });
    assert.equal(made.exitCode, 0, made.stderr);
    const { paths } = await t.services();
    const seen = (await readFile(join(paths.kernelsDir, `initramfs-kernel-${VERSION}`), 'utf8')).split('\n');
    assert.ok(seen.includes(`PATH=${CHROOT_PATH}`), seen.join(' '));
    assert.ok(seen.includes('HOME=/root') && seen.includes('LANG=C') && seen.includes('TERM=dumb'), seen.join(' '));
    assert.equal(seen.some((line) => /^(TMPDIR|DISKLESS_LEAK_CHECK)=/.test(line)), false, `caller variables leaked: ${seen.join(' ')}`);
    // The binds made for dracut are gone, and so is its scratch folder.
    for (const system of ['proc', 'sys', 'dev']) assert.deepEqual(await mountsUnder(join(tree, system)), [], `${system} still bound`);
    assert.deepEqual(await readdir(join(tree, 'tmp')), []);
  } finally {
    await t.cleanup();
  }
});

test('a tree whose /proc is a link to a host folder is refused (exit 2) and nothing is bound over that folder', async () => {
  const t = await makeTempRoot();
  const outside = await mkdtemp(join(tmpdir(), 'disklessset-outside-'));
  try {
    const tree = await treeWithDracut(t);
    await rm(join(tree, 'proc'), { recursive: true });
    await symlink(outside, join(tree, 'proc'));
    const refused = await t.cli(['kernel', 'initramfs', `vmlinuz-${VERSION}`, '--chroot', tree]);
    assert.equal(refused.exitCode, 2, refused.stderr);
    assert.match(refused.stderr, /proc is a symbolic link/);
    assert.deepEqual(await mountsUnder(outside), []);
    assert.deepEqual(await readdir(outside), []);
    const { paths } = await t.services();
    assert.deepEqual(await readdir(paths.kernelsDir), [`vmlinuz-${VERSION}`]);
  } finally {
    await t.cleanup();
    // Before the fix /proc ended up bound here: never delete through such a mount.
    await unmountTree(outside);
    await rm(outside, { recursive: true, force: true });
  }
});

test('an interactive shell in a tree keeps only a plain terminal name from the caller', () => {
  assert.ok(chrootEnvironment({ terminal: 'xterm-256color' }).includes('TERM=xterm-256color'));
  assert.ok(chrootEnvironment({ terminal: 'x\nPATH=/evil' }).includes('TERM=dumb'));
  assert.deepEqual(chrootEnvironment().map((entry) => entry.split('=')[0]).sort(), ['HOME', 'LANG', 'LC_ALL', 'PATH', 'TERM']);
});

test('a bound tree sees the host /dev/pts (recursive bind), and unbinding it leaves the host /dev/pts mounted', async () => {
  const t = await makeTempRoot();
  const tree = join(t.root, 'tree');
  const hostHasPts = (await mountsUnder('/dev/pts')).includes('/dev/pts');
  try {
    await mkdir(tree);
    await bindSystemDirs(tree);
    const bound = await mountsUnder(tree);
    for (const system of ['proc', 'sys', 'dev']) assert.ok(bound.includes(join(tree, system)), `${system} bound`);
    if (hostHasPts) assert.ok(bound.includes(join(tree, 'dev/pts')), `dev/pts came with dev: ${bound.join(' ')}`);
  } finally {
    await unbindSystemDirs(tree);
    await t.cleanup();
  }
  assert.deepEqual(await mountsUnder(tree), []);
  assert.equal((await mountsUnder('/dev/pts')).includes('/dev/pts'), hostHasPts, 'the host /dev/pts is untouched');
});
