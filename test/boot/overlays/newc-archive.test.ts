import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lstat, mkdtemp, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { archiveTime, COMPRESS_FROM, newcArchive, overlayArchive, OVERLAY_PREFIX, storedGzip } from '../../../src/boot/overlays/newc-archive.js';
import type { OverlayEntry } from '../../../src/core/overlays/rendered.js';
import { run } from '../../../src/system/runner.js';

const ENTRIES: OverlayEntry[] = [
  { path: '/etc/hostname', kind: 'file', mode: 0o644, uid: 0, gid: 0, data: Buffer.from('n01\n'), secret: false },
  { path: '/etc/ssh/ssh_host_ed25519_key', kind: 'file', mode: 0o600, uid: 0, gid: 0, data: Buffer.from('secret key\n'), secret: true },
  { path: '/etc/localtime', kind: 'symlink', mode: 0o777, uid: 0, gid: 0, target: '../usr/share/zoneinfo/UTC', secret: false },
  { path: '/etc/site', kind: 'dir', mode: 0o750, uid: 0, gid: 42, secret: false },
  { path: '/etc/site/vars.json', kind: 'file', mode: 0o640, uid: 1000, gid: 42, data: Buffer.from('{"rack":"a1"}\n'), secret: false },
  { path: '/usr/local/bin/hello', kind: 'file', mode: 0o4755, uid: 0, gid: 0, data: Buffer.from('#!/bin/sh\necho hello\n'), secret: false },
];

async function withFolder(action: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'overlay-archive-'));
  try {
    await action(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The records of an uncompressed newc archive, read the way the kernel reads them (init/initramfs.c). */
function parseNewc(bytes: Buffer): { name: string; mode: number; ino: number; mtime: number; offset: number; size: number }[] {
  const records = [];
  let offset = 0;
  for (;;) {
    assert.equal(offset % 4, 0, 'every header starts on a 4-byte boundary');
    assert.equal(bytes.toString('ascii', offset, offset + 6), '070701', 'newc magic');
    const field = (index: number) => parseInt(bytes.toString('ascii', offset + 6 + index * 8, offset + 14 + index * 8), 16);
    const nameSize = field(11);
    const size = field(6);
    const name = bytes.toString('utf8', offset + 110, offset + 110 + nameSize - 1);
    assert.equal(bytes[offset + 110 + nameSize - 1], 0, 'names end with NUL');
    records.push({ name, mode: field(1), ino: field(0), mtime: field(5), offset, size });
    const dataAt = Math.ceil((offset + 110 + nameSize) / 4) * 4;
    offset = Math.ceil((dataAt + size) / 4) * 4;
    if (name === 'TRAILER!!!') break;
  }
  assert.equal(offset, bytes.length, 'nothing after the trailer but its padding');
  return records;
}

test('equal entries give equal bytes, whatever their order, and the time is fixed', () => {
  const first = overlayArchive('n01', ENTRIES, 0);
  const second = overlayArchive('n01', [...ENTRIES].reverse(), 0);
  assert.ok(first.equals(second));
  assert.equal(archiveTime({}), 0);
  assert.equal(archiveTime({ SOURCE_DATE_EPOCH: '1700000000' }), 1700000000);
  assert.equal(archiveTime({ SOURCE_DATE_EPOCH: 'yesterday' }), 0);
});

test('every archive is one gzip member with stable bytes (no name, no time); a small one stored, a big one compressed', () => {
  const small = overlayArchive('n01', ENTRIES, 0);
  const plainSmall = newcArchive('n01', ENTRIES, 0);
  assert.deepEqual([small[0], small[1]], [0x1f, 0x8b], 'gzip magic: the kernel finds it at any offset (UEFI concatenates initrds unaligned)');
  assert.equal(small.readUInt32LE(4), 0, 'no time in the gzip header');
  assert.ok(gunzipSync(small).equals(plainSmall));
  assert.ok(small.length > plainSmall.length, 'stored, not compressed, under COMPRESS_FROM');
  const hosts = Array.from({ length: 2000 }, (_, i) => `10.1.${Math.floor(i / 250)}.${i % 250} c${String(i).padStart(5, '0')}`).join('\n');
  const big: OverlayEntry[] = [...ENTRIES, { path: '/etc/hosts', kind: 'file', mode: 0o644, uid: 0, gid: 0, data: Buffer.from(`${hosts}\n`), secret: false }];
  const plain = newcArchive('n01', big, 0);
  assert.ok(plain.length >= COMPRESS_FROM);
  const packed = overlayArchive('n01', big, 0);
  assert.equal(packed.readUInt32LE(4), 0);
  assert.ok(packed.length < plain.length / 3, `${packed.length} of ${plain.length} bytes`);
  assert.ok(gunzipSync(packed).equals(plain));
  assert.ok(overlayArchive('n01', [...big].reverse(), 0).equals(packed));
});

test('a stored gzip member is made without zlib, byte for byte what zlib stores, and gzip itself reads it back', async () => {
  for (const size of [0, 1, 923, COMPRESS_FROM - 1]) {
    const data = Buffer.alloc(size, 'newc');
    assert.ok(storedGzip(data).equals(gzipSync(data, { level: 0 })), `${size} bytes: the same bytes as before (the same ETag after an upgrade)`);
  }
  // Past one stored block (64 KiB): several blocks, the last one final.
  const large = Buffer.from(Array.from({ length: 70_000 }, (_, i) => i % 251));
  assert.ok(gunzipSync(storedGzip(large)).equals(large));
  const dir = await mkdtemp(join(tmpdir(), 'stored-gzip-'));
  try {
    await writeFile(join(dir, 'large.gz'), storedGzip(large));
    await run(['gzip', '--test', 'large.gz'], { cwd: dir });
    await run(['gzip', '-d', 'large.gz'], { cwd: dir });
    assert.ok((await readFile(join(dir, 'large'))).equals(large), 'gzip -d gives the data back');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('the layout is the kernel buffer format: sorted names under the prefix, parents first, numbered inodes, trailer last', () => {
  const records = parseNewc(newcArchive('n01', ENTRIES, 1234));
  const names = records.map((record) => record.name);
  assert.equal(names.at(-1), 'TRAILER!!!');
  assert.deepEqual(names.slice(0, 4), [OVERLAY_PREFIX, `${OVERLAY_PREFIX}/etc`, `${OVERLAY_PREFIX}/etc/hostname`, `${OVERLAY_PREFIX}/etc/localtime`]);
  for (const name of names.slice(0, -1)) {
    assert.ok(name === OVERLAY_PREFIX || name.startsWith(`${OVERLAY_PREFIX}/`), name);
    const parent = name.slice(0, name.lastIndexOf('/'));
    if (name !== OVERLAY_PREFIX) assert.ok(names.indexOf(parent) < names.indexOf(name), `${parent} before ${name}`);
  }
  assert.deepEqual(records.slice(0, -1).map((record) => record.ino), records.slice(0, -1).map((_, index) => index + 1));
  assert.ok(records.slice(0, -1).every((record) => record.mtime === 1234));
  assert.ok(names.includes(`${OVERLAY_PREFIX}/usr/local/bin`), 'missing parent folders are added');
});

test('the real cpio lists and unpacks the archive with modes, owners and links kept', () => withFolder(async (dir) => {
  const file = join(dir, 'n01.cpio');
  await writeFile(file, gunzipSync(overlayArchive('n01', ENTRIES, 0)));
  const listing = await run(['cpio', '-t', '-F', file]);
  assert.ok(listing.stdout.split('\n').includes(`${OVERLAY_PREFIX}/etc/ssh/ssh_host_ed25519_key`), listing.stdout);
  const target = join(dir, 'unpacked');
  await run(['mkdir', target]);
  await run(['cpio', '-i', '-d', '--no-absolute-filenames', '-F', file], { cwd: target });
  const root = join(target, OVERLAY_PREFIX);
  assert.equal(await readFile(join(root, 'etc/hostname'), 'utf8'), 'n01\n');
  const key = await lstat(join(root, 'etc/ssh/ssh_host_ed25519_key'));
  assert.equal(key.mode & 0o7777, 0o600);
  const vars = await lstat(join(root, 'etc/site/vars.json'));
  assert.deepEqual([vars.mode & 0o7777, vars.uid, vars.gid], [0o640, 1000, 42]);
  const site = await lstat(join(root, 'etc/site'));
  assert.deepEqual([site.isDirectory(), site.mode & 0o7777, site.gid], [true, 0o750, 42]);
  assert.equal((await lstat(join(root, 'usr/local/bin/hello'))).mode & 0o7777, 0o4755);
  assert.equal(await readlink(join(root, 'etc/localtime')), '../usr/share/zoneinfo/UTC');
  assert.equal((await lstat(join(root, 'usr/local'))).mode & 0o7777, 0o755);
}));

test('an entry that is not a clean absolute path is refused before anything is written', () => {
  for (const path of ['etc/hostname', '/etc/../root/x', '/etc//x', '/', '/etc/x/']) {
    assert.throws(() => overlayArchive('n01', [{ path, kind: 'file', mode: 0o644, uid: 0, gid: 0, data: Buffer.from('x'), secret: false }]),
      { code: 'E_OVERLAY_ENTRY_INVALID' }, path);
  }
  assert.throws(() => overlayArchive('n01', [{ path: '/x', kind: 'file', mode: 0o10000, uid: 0, gid: 0, secret: false }]), { code: 'E_OVERLAY_ENTRY_INVALID' });
  assert.throws(() => overlayArchive('n01', [
    { path: '/etc/hostname', kind: 'file', mode: 0o644, uid: 0, gid: 0, data: Buffer.from('x'), secret: false },
    { path: '/etc/hostname/x', kind: 'file', mode: 0o644, uid: 0, gid: 0, data: Buffer.from('x'), secret: false },
  ]), { code: 'E_OVERLAY_ENTRY_INVALID' });
});
