import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempRoot, type TempRoot } from '../../helpers/temp-root.js';
import { sha512Crypt } from '../../../src/core/os/password.js';
import { parseSource } from '../../../src/core/os/sources.js';
import { Paths } from '../../../src/core/paths.js';
import { resizeLivenet } from '../../../src/modules/livenet/maintenance.js';
import type { Services } from '../../../src/services/services.js';
import { readTorrent, type ParsedTorrent } from '../../helpers/torrent-file.js';
import { addDummyKernel, makeBusyboxTree, TEST_KERNEL } from '../../helpers/livenet-fixtures.js';

async function builtImage(config: string, servers: [string, string][] = []): Promise<{ t: TempRoot; s: Services; dir: string }> {
  const t = await makeTempRoot();
  try {
    await mkdir(join(t.root, 'etc', 'diskless'), { recursive: true });
    await writeFile(Paths.configFile(t.root), config);
    for (const [name, url] of servers) {
      const added = await t.cli(['server', 'add', name, url]);
      assert.equal(added.exitCode, 0, added.stderr);
    }
    const tree = await makeBusyboxTree(t.root);
    const s = await t.services();
    await addDummyKernel(s.paths.kernelsDir);
    await s.images.create('LivenetImage', 'p1', {
      kernel: TEST_KERNEL, type: 'core', sizeMiB: 128, source: parseSource(`dir:${tree}`), passwordHash: sha512Crypt('pw'),
      selinux: false, packages: [], optimize: false, compression: 'zstd', layout: 'liveos',
    });
    return { t, s, dir: s.paths.imageDir('p1') };
  } catch (error) {
    await t.cleanup();
    throw error;
  }
}

/** The torrent of a version, parsed back by a BitTorrent library. */
async function torrentOf(dir: string, id: string): Promise<ParsedTorrent> {
  return readTorrent(join(dir, `squashfs-${id}.img.torrent`));
}

test('each published version has a torrent of its root image (pieces match the bytes, no web seeds even with servers) and its sha256', async () => {
  const { t, s, dir } = await builtImage('server_address: 10.0.0.1\np2p_tracker_url: http://10.0.0.1:7000/announce\n',
    [['main', 'http://10.0.0.1'], ['sat1', 'http://10.0.1.1:8080']]);
  try {
    const [version] = await s.images.history('p1');
    assert.ok(version);
    const root = await readFile(join(dir, `squashfs-${version.id}.img`));
    const sha = createHash('sha256').update(root).digest('hex');
    assert.equal(await readFile(join(dir, `squashfs-${version.id}.img.sha256`), 'utf8'), `${sha}\n`);

    const parsed = await torrentOf(dir, version.id);
    const bytes = parsed.bytes;
    assert.equal(parsed.name, `squashfs-${version.id}.img`);
    assert.equal(parsed.length, root.length);
    assert.deepEqual(parsed.announce, ['http://10.0.0.1:7000/announce']);
    // The servers seed over BitTorrent (serve --seed); HTTP is the fetch script's own fallback.
    assert.deepEqual(parsed.urlList, [], 'no web seeds: aria2c would pull from them all along');
    assert.equal(parsed.pieces.length, Math.ceil(root.length / parsed.pieceLength));
    parsed.pieces.forEach((piece, index) => {
      const part = root.subarray(index * parsed.pieceLength, (index + 1) * parsed.pieceLength);
      assert.equal(createHash('sha1').update(part).digest('hex'), piece, `piece ${index}`);
    });
    assert.ok(!parsed.keys.includes('creation date'), 'no creation date: the bytes depend on the content only');

    // Deleted: the next command (any) writes it again, byte for byte.
    await rm(join(dir, `squashfs-${version.id}.img.torrent`));
    await rm(join(dir, `squashfs-${version.id}.img.sha256`));
    const list = await t.cli(['image', 'list']);
    assert.equal(list.exitCode, 0, list.stderr);
    assert.match(list.stderr, /wrote the torrent and hash files of 1 version\(s\) again/);
    assert.deepEqual((await torrentOf(dir, version.id)).bytes, bytes);
    assert.equal(await readFile(join(dir, `squashfs-${version.id}.img.sha256`), 'utf8'), `${sha}\n`);
  } finally {
    await t.cleanup();
  }
});

test('without p2p_tracker_url the tracker is derived from server_address; pruned versions lose their torrent', async () => {
  const { t, s, dir } = await builtImage('server_address: 10.9.8.7\nversions_kept: 1\n');
  try {
    const [first] = await s.images.history('p1');
    assert.ok(first);
    const parsed = await torrentOf(dir, first.id);
    assert.deepEqual(parsed.announce, ['http://10.9.8.7:6969/announce']);
    assert.deepEqual(parsed.urlList, []);

    await resizeLivenet(s, 'p1', 150);
    const versions = await s.images.history('p1');
    assert.equal(versions.length, 1);
    const files = await readdir(dir);
    assert.ok(!files.some((file) => file.includes(first.id)), `the dropped version's files are gone: ${files.join(' ')}`);
    const current = versions[0]?.id as string;
    assert.deepEqual(files.filter((file) => file.startsWith(`squashfs-${current}`)).sort(),
      [`squashfs-${current}.img`, `squashfs-${current}.img.sha256`, `squashfs-${current}.img.torrent`]);
  } finally {
    await t.cleanup();
  }
});

test('a torrent file left by a publication killed before its record is removed with the unfinished version', async () => {
  const { t, dir } = await builtImage('');
  try {
    const half = 'bbbbbbbbbbbb';
    await writeFile(join(dir, `squashfs-${half}.img.torrent`), 'd4:infod6:lengthi1eee');
    await writeFile(join(dir, `squashfs-${half}.img.sha256`), `${'0'.repeat(64)}\n`);
    const list = await t.cli(['image', 'list']);
    assert.equal(list.exitCode, 0, list.stderr);
    assert.ok(!(await readdir(dir)).some((file) => file.includes(half)));
  } finally {
    await t.cleanup();
  }
});

test('a rebuild after the tracker changed publishes a new version whose torrent names the new tracker; the old torrent is left as it was', async () => {
  const { t, s, dir } = await builtImage('');
  try {
    const first = (await s.images.get('p1')).data.version as string;
    const firstTorrent = await readFile(join(dir, `squashfs-${first}.img.torrent`));
    assert.deepEqual((await torrentOf(dir, first)).announce, [], 'no tracker configured: none named');
    const same = await t.cli(['image', 'rebuild', 'p1', '--json']);
    assert.equal(same.exitCode, 0, same.stderr);
    assert.equal((JSON.parse(same.stdout) as { unchanged?: boolean }).unchanged, true, 'same tree, same (no) tracker: unchanged');

    await writeFile(Paths.configFile(t.root), 'p2p_tracker_url: http://10.0.0.1:7000/announce\n');
    const changed = await t.cli(['image', 'rebuild', 'p1', '--json']);
    assert.equal(changed.exitCode, 0, changed.stderr);
    assert.notEqual((JSON.parse(changed.stdout) as { unchanged?: boolean }).unchanged, true, changed.stdout);
    const second = (await s.images.get('p1')).data.version as string;
    assert.notEqual(second, first, 'another tracker is another version');
    assert.deepEqual((await torrentOf(dir, second)).announce, ['http://10.0.0.1:7000/announce']);
    assert.deepEqual(await readFile(join(dir, `squashfs-${first}.img.torrent`)), firstTorrent, 'an immutable file never changes under its name');

    const again = await t.cli(['image', 'rebuild', 'p1', '--json']);
    assert.equal(again.exitCode, 0, again.stderr);
    assert.equal((JSON.parse(again.stdout) as { unchanged?: boolean }).unchanged, true, 'same tree, same tracker: unchanged');
    assert.equal((await s.images.get('p1')).data.version, second);
  } finally {
    await t.cleanup();
  }
});
