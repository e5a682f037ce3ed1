/**
 * A node's overlay as the Linux kernel unpacks it at boot: one `newc` cpio
 * archive (the initramfs buffer format: ASCII header `070701`, thirteen
 * 8-digit hexadecimal fields, the name with its NUL, the data, each padded to
 * 4 bytes, ended by `TRAILER!!!`), in a gzip member: compressed when it is
 * big enough for that to pay, stored otherwise (see {@link COMPRESS_FROM}).
 *
 * Every entry sits under {@link OVERLAY_PREFIX}; the dracut hook copies that
 * folder into the new root before switch-root. The bytes depend on the
 * entries alone: sorted paths, inode numbers given in that order, one fixed
 * modification time, a fixed gzip level and no file name or time in the gzip
 * header (node:zlib writes none), so equal input gives equal bytes and an
 * archive can be compared, cached or checked by its hash.
 */
import { crc32, gzipSync } from 'node:zlib';
import { OperationError } from '../../errors/index.js';
import type { OverlayEntry } from '../../core/overlays/rendered.js';

/** Folder of the initramfs holding the overlay; agreed with the dracut module, which copies `/diskless-overlay/.` into the new root. */
export const OVERLAY_PREFIX = 'diskless-overlay';

const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;
const TRAILER = 'TRAILER!!!';

/**
 * The modification time written on every entry, in seconds: `SOURCE_DATE_EPOCH`
 * (the reproducible-builds convention) when it holds a whole number, else 0.
 */
export function archiveTime(env: Readonly<Record<string, string | undefined>> = process.env): number {
  const value = env.SOURCE_DATE_EPOCH;
  return value !== undefined && /^\d{1,10}$/.test(value) ? Number(value) : 0;
}

/** One record of the archive, before encoding. */
interface Record_ {
  name: string;
  mode: number;
  uid: number;
  gid: number;
  nlink: number;
  data: Buffer;
}

function invalid(node: string, path: string, why: string): OperationError {
  return new OperationError('E_OVERLAY_ENTRY_INVALID', `the overlay of node ${node} has an entry ${JSON.stringify(path)} that ${why}`,
    'this is a fault of overlay rendering: report it with `disklessset overlay render` output for that node');
}

/** Checks an entry from the renderer before it becomes a name in the archive (its path is a path inside the node's root). */
function checkEntry(node: string, entry: OverlayEntry): void {
  const { path } = entry;
  if (!path.startsWith('/') || path === '/' || path.includes('\0') || path.includes('//') || path.endsWith('/')) throw invalid(node, path, 'is not an absolute, normalised path');
  if (path.split('/').some((part) => part === '.' || part === '..')) throw invalid(node, path, 'holds "." or ".."');
  if (!Number.isInteger(entry.mode) || entry.mode < 0 || entry.mode > 0o7777) throw invalid(node, path, 'has a mode outside 0-07777');
  for (const id of [entry.uid, entry.gid]) if (!Number.isInteger(id) || id < 0 || id > 0xffffffff) throw invalid(node, path, 'has an owner outside 0-4294967295');
  if (entry.kind === 'symlink' && (entry.target === undefined || entry.target === '' || entry.target.includes('\0'))) throw invalid(node, path, 'is a symbolic link without a target');
}

/** Records of `entries` under the prefix, with the missing parent folders (mode 0755, owned by root), sorted by name. */
function records(node: string, entries: readonly OverlayEntry[]): Record_[] {
  const byName = new Map<string, Record_>();
  for (const entry of entries) {
    checkEntry(node, entry);
    const name = `${OVERLAY_PREFIX}${entry.path}`;
    const type = entry.kind === 'dir' ? S_IFDIR : entry.kind === 'symlink' ? S_IFLNK : S_IFREG;
    const data = entry.kind === 'file' ? entry.data ?? Buffer.alloc(0) : entry.kind === 'symlink' ? Buffer.from(entry.target ?? '') : Buffer.alloc(0);
    // Later entries win on the same path, as later overlays do.
    byName.set(name, { name, mode: type | entry.mode, uid: entry.uid, gid: entry.gid, nlink: entry.kind === 'dir' ? 2 : 1, data });
  }
  for (const name of [...byName.keys()]) {
    for (let cut = name.lastIndexOf('/'); cut > 0; cut = name.lastIndexOf('/', cut - 1)) {
      const parent = name.slice(0, cut);
      if (byName.has(parent)) continue;
      byName.set(parent, { name: parent, mode: S_IFDIR | 0o755, uid: 0, gid: 0, nlink: 2, data: Buffer.alloc(0) });
    }
  }
  if (!byName.has(OVERLAY_PREFIX)) byName.set(OVERLAY_PREFIX, { name: OVERLAY_PREFIX, mode: S_IFDIR | 0o755, uid: 0, gid: 0, nlink: 2, data: Buffer.alloc(0) });
  for (const record of byName.values()) {
    const parent = byName.get(record.name.slice(0, Math.max(0, record.name.lastIndexOf('/'))));
    if (parent && (parent.mode & 0o170000) !== S_IFDIR) throw invalid(node, record.name.slice(OVERLAY_PREFIX.length), 'lies under an entry that is not a folder');
  }
  // A parent's name is a prefix of its children's, so it sorts first: the kernel creates folders before their files.
  // Sorted by bytes (UTF-8), each name encoded once.
  const keyed = [...byName.values()].map((record) => ({ record, key: Buffer.from(record.name) }));
  return keyed.sort((a, b) => Buffer.compare(a.key, b.key)).map(({ record }) => record);
}

const PAD = Buffer.alloc(4);

function padding(length: number): Buffer {
  return PAD.subarray(0, (4 - (length % 4)) % 4);
}

/** Length of the fixed part of a header: the magic and thirteen 8-digit fields. */
const FIXED = 6 + 13 * 8;

/** A record's header: the fixed part, the name with its NUL, zeros up to a multiple of 4 bytes; one buffer (10,000 archives are made at once). */
function header(record: Record_, ino: number, mtime: number): Buffer {
  const nameSize = Buffer.byteLength(record.name) + 1;
  const fields = [ino, record.mode, record.uid, record.gid, record.nlink, mtime, record.data.length, 0, 0, 0, 0, nameSize, 0];
  let text = '070701';
  for (const field of fields) text += field.toString(16).padStart(8, '0');
  const head = Buffer.alloc(Math.ceil((FIXED + nameSize) / 4) * 4);
  head.write(text, 0, 'ascii');
  head.write(record.name, FIXED, 'utf8');
  return head;
}

/**
 * The uncompressed newc archive of `entries` (see the module comment).
 * @throws OperationError E_OVERLAY_ENTRY_INVALID for a path that is not absolute and normalised, a mode or owner out of range, a link without target, or an entry under a non-folder.
 */
export function newcArchive(node: string, entries: readonly OverlayEntry[], mtime = archiveTime()): Buffer {
  const parts: Buffer[] = [];
  let ino = 0;
  for (const record of records(node, entries)) {
    ino += 1;
    parts.push(header(record, ino, mtime), record.data, padding(record.data.length));
  }
  parts.push(header({ name: TRAILER, mode: 0, uid: 0, gid: 0, nlink: 1, data: Buffer.alloc(0) }, 0, 0));
  return Buffer.concat(parts);
}

/**
 * Size in bytes from which an archive's gzip frame holds compressed data
 * (level 6); a smaller archive is framed with level 0 (stored, not
 * compressed). The frame itself is needed: under UEFI the initrds reach the
 * kernel concatenated without alignment, and the kernel takes a plain newc
 * archive only at a 4-byte boundary (the UEFI node booted without its
 * overlay), while a gzip member is found at any offset. Compressing a 0.7 KiB
 * archive saved a few hundred bytes and cost about 45 µs of setup per
 * archive (0.45 s of a 10,000-node `node add`); storing costs a copy and a
 * CRC ({@link storedGzip}); a big archive (an `/etc/hosts` of the whole
 * inventory) still shrinks several times.
 */
export const COMPRESS_FROM = 16 * 1024;

/**
 * The newc archive of `entries` as published for a node: one gzip member,
 * compressed (level 6) from {@link COMPRESS_FROM} bytes, stored below.
 * @throws see {@link newcArchive}.
 */
export function overlayArchive(node: string, entries: readonly OverlayEntry[], mtime = archiveTime()): Buffer {
  const archive = newcArchive(node, entries, mtime);
  return archive.length < COMPRESS_FROM ? storedGzip(archive) : gzipSync(archive, { level: 6 });
}

/** Largest stored deflate block (RFC 1951, 3.2.4: LEN is 16 bits). */
const STORED_BLOCK = 0xffff;

/**
 * `data` in one gzip member (RFC 1952) of stored deflate blocks: the bytes
 * zlib's `gzipSync(data, { level: 0 })` gives for the sizes stored here
 * (header with no time or name, XFL 4, OS 3 for Unix), made without a zlib
 * stream: setting one up allocated a few hundred KiB per archive, about
 * 20 µs each in a 10,000-node build (0.2–0.3 s) for bytes copied as they are.
 */
export function storedGzip(data: Buffer): Buffer {
  const blocks = Math.max(1, Math.ceil(data.length / STORED_BLOCK));
  const out = Buffer.allocUnsafe(10 + blocks * 5 + data.length + 8);
  out.set([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 4, 3], 0);
  let at = 10;
  for (let block = 0; block < blocks; block += 1) {
    const start = block * STORED_BLOCK;
    const length = Math.min(STORED_BLOCK, data.length - start);
    out[at] = block === blocks - 1 ? 1 : 0;
    out.writeUInt16LE(length, at + 1);
    out.writeUInt16LE(length ^ 0xffff, at + 3);
    at += 5;
    at += data.copy(out, at, start, start + length);
  }
  out.writeUInt32LE(crc32(data), at);
  out.writeUInt32LE(data.length % 2 ** 32, at + 4);
  return out;
}
