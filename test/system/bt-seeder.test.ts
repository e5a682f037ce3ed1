/**
 * The BitTorrent seeder of `serve --seed` (src/system/bt-seeder.ts) with the
 * real programs on 127.0.0.1: the tool's own tracker and torrent writer, the
 * seeder's aria2c, and a second aria2c as the node that downloads.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSeeder, type SeedItem } from '../../src/system/bt-seeder.js';
import { startTracker } from '../../src/serve/tracker.js';
import { torrentBytes } from '../../src/core/image/version-share.js';
import { run } from '../../src/system/runner.js';
import { freeLoopbackPort } from '../helpers/nginx-harness.js';
import { patterned } from '../helpers/serve-fixture.js';
import { aria2cOnPort } from '../helpers/aria2c-processes.js';

/** A node's download of `torrent` into `dir` from peers only; resolves with aria2c's exit code. */
async function download(torrent: string, dir: string): Promise<number> {
  const port = await freeLoopbackPort();
  const result = await run(['aria2c', '--no-conf=true', '--quiet=true', '--enable-dht=false', '--enable-dht6=false', '--bt-enable-lpd=false',
    '--seed-time=0', '--bt-stop-timeout=30', `--listen-port=${port}`, `--dir=${dir}`, `--torrent-file=${torrent}`],
  { allowFailure: true, timeoutMs: 120_000 });
  return result.exitCode;
}

test('the seeder serves published root images to a real aria2c over the tracker, takes up a new one, and leaves no process when closed', async () => {
  const work = await mkdtemp(join(tmpdir(), 'disklessset-seeder-'));
  const tracker = await startTracker({ listen: '127.0.0.1', port: 0 });
  const port = await freeLoopbackPort();
  const logged: string[] = [];
  try {
    const published = join(work, 'images');
    const items: SeedItem[] = [];
    const publish = async (name: string, bytes: Buffer) => {
      await writeFile(join(published, name), bytes);
      await writeFile(join(published, `${name}.torrent`), await torrentBytes(join(published, name), name, [tracker.announceUrl]));
      items.push({ torrentFile: join(published, `${name}.torrent`), dir: published, fileName: name });
    };
    await run(['mkdir', '-p', published, join(work, 'node1'), join(work, 'node2')]);
    const first = patterned(2 * 1024 * 1024 + 3, 1);
    await publish('squashfs-aaaaaaaaaaaa.img', first);
    const before = await stat(join(published, 'squashfs-aaaaaaaaaaaa.img'));

    // The poll is long: the test says when to look again (refresh), no timing involved.
    const seeder = await startSeeder({ list: async () => [...items], port, pollMs: 3_600_000, log: (line) => logged.push(line) });
    try {
      assert.equal(seeder.seeding(), 1);
      assert.equal((await aria2cOnPort(port)).length, 1, 'one aria2c seeds');
      assert.equal(await download(join(published, 'squashfs-aaaaaaaaaaaa.img.torrent'), join(work, 'node1')), 0, logged.join('\n'));
      assert.deepEqual(await readFile(join(work, 'node1', 'squashfs-aaaaaaaaaaaa.img')), first, 'the node has the published bytes');

      const second = patterned(1024 * 1024 + 5, 2);
      await publish('squashfs-bbbbbbbbbbbb.img', second);
      await seeder.refresh();
      assert.equal(seeder.seeding(), 2, 'a newly published version is seeded too');
      assert.equal(await download(join(published, 'squashfs-bbbbbbbbbbbb.img.torrent'), join(work, 'node2')), 0, logged.join('\n'));
      assert.deepEqual(await readFile(join(work, 'node2', 'squashfs-bbbbbbbbbbbb.img')), second);
    } finally {
      await seeder.close();
    }
    assert.deepEqual(await aria2cOnPort(port), [], 'closing the seeder leaves no aria2c behind');
    const after = await stat(join(published, 'squashfs-aaaaaaaaaaaa.img'));
    assert.equal(after.mtimeMs, before.mtimeMs, 'the published file was never written to');
    assert.deepEqual((await readdir(published)).filter((file) => file.endsWith('.aria2')), [], 'no aria2c control file among the published files');
  } finally {
    await tracker.close();
    await rm(work, { recursive: true, force: true });
  }
});

test('with nothing to seed no aria2c runs; one appears once a torrent is published and goes when it is removed', async () => {
  const work = await mkdtemp(join(tmpdir(), 'disklessset-seeder-'));
  const port = await freeLoopbackPort();
  let items: SeedItem[] = [];
  try {
    const seeder = await startSeeder({ list: async () => items, port, pollMs: 3_600_000 });
    try {
      assert.equal(seeder.seeding(), 0);
      assert.deepEqual(await aria2cOnPort(port), []);
      await writeFile(join(work, 'squashfs-cccccccccccc.img'), patterned(65_536, 3));
      await writeFile(join(work, 'squashfs-cccccccccccc.img.torrent'), await torrentBytes(join(work, 'squashfs-cccccccccccc.img'), 'squashfs-cccccccccccc.img', []));
      items = [{ torrentFile: join(work, 'squashfs-cccccccccccc.img.torrent'), dir: work, fileName: 'squashfs-cccccccccccc.img' }];
      await seeder.refresh();
      assert.equal((await aria2cOnPort(port)).length, 1);
      items = [];
      await seeder.refresh();
      assert.equal(seeder.seeding(), 0);
      assert.deepEqual(await aria2cOnPort(port), [], 'a pruned version stops being seeded');
    } finally {
      await seeder.close();
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
});
