/**
 * Which compressor an initramfs file was packed with, read from its bytes:
 * dracut silently falls back to another compressor when the one asked for
 * is missing in the tree or the kernel cannot unpack it, so the arguments
 * alone do not say what nodes will fetch.
 */
import { open, type FileHandle } from 'node:fs/promises';

/** What {@link initramfsCompression} can tell. */
export type InitramfsCompression = 'zstd' | 'xz' | 'gzip' | 'lz4' | 'lzma' | 'bzip2' | 'lzo' | 'none' | 'unknown';

const MAGICS: [InitramfsCompression, number[]][] = [
  ['zstd', [0x28, 0xb5, 0x2f, 0xfd]],
  ['xz', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
  ['gzip', [0x1f, 0x8b]],
  ['lz4', [0x02, 0x21, 0x4c, 0x18]],
  ['lzma', [0x5d, 0x00, 0x00]],
  ['bzip2', [0x42, 0x5a, 0x68]],
  ['lzo', [0x89, 0x4c, 0x5a, 0x4f]],
];

const NEWC_MAGIC = '070701';
const NEWC_HEADER = 110;

async function bytesAt(file: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await file.read(buffer, 0, length, position);
  return buffer.subarray(0, bytesRead);
}

/** Offset just after an uncompressed newc archive starting at `start` (its trailer and the zero padding after it). */
async function afterArchive(file: FileHandle, start: number): Promise<number> {
  let offset = start;
  for (;;) {
    const header = (await bytesAt(file, offset, NEWC_HEADER)).toString('latin1');
    if (!header.startsWith(NEWC_MAGIC)) return offset;
    const fileSize = Number.parseInt(header.slice(54, 62), 16);
    const nameSize = Number.parseInt(header.slice(94, 102), 16);
    const name = (await bytesAt(file, offset + NEWC_HEADER, nameSize - 1)).toString('latin1');
    offset += Math.ceil((NEWC_HEADER + nameSize) / 4) * 4;
    offset += Math.ceil(fileSize / 4) * 4;
    if (name === 'TRAILER!!!') break;
  }
  // The next part starts after zero padding (dracut aligns it).
  for (;;) {
    const chunk = await bytesAt(file, offset, 512);
    const firstData = chunk.findIndex((byte) => byte !== 0);
    if (chunk.length === 0) return offset;
    if (firstData >= 0) return offset + firstData;
    offset += chunk.length;
  }
}

/**
 * The compression of the main archive of the initramfs at `path`; an
 * uncompressed early archive in front (CPU microcode) is skipped. `none`
 * for a plain cpio archive, `unknown` for anything else.
 * @throws the file system's error when the file cannot be read.
 */
export async function initramfsCompression(path: string): Promise<InitramfsCompression> {
  const file = await open(path, 'r');
  try {
    let offset = 0;
    if ((await bytesAt(file, 0, 6)).toString('latin1') === NEWC_MAGIC) {
      offset = await afterArchive(file, 0);
      const next = await bytesAt(file, offset, 6);
      if (next.length === 0) return 'none';
      if (next.toString('latin1') === NEWC_MAGIC) return 'none';
    }
    const head = await bytesAt(file, offset, 8);
    for (const [name, magic] of MAGICS) {
      if (magic.every((byte, index) => head[index] === byte)) return name;
    }
    return 'unknown';
  } finally {
    await file.close();
  }
}
