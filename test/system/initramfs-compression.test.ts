/**
 * Reading which compressor packed an initramfs, on archives made by the
 * real cpio and compressors, with and without an uncompressed early
 * archive in front (as dracut writes CPU microcode).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/system/runner.js';
import { initramfsCompression } from '../../src/system/initramfs-compression.js';

/** A newc archive of a small folder, made by cpio. */
async function newcArchive(dir: string, name: string): Promise<Buffer> {
  const content = join(dir, name);
  await mkdir(join(content, 'kernel', 'x86', 'microcode'), { recursive: true });
  await writeFile(join(content, 'kernel', 'x86', 'microcode', 'GenuineIntel.bin'), 'microcode bytes\n'.repeat(50));
  await writeFile(join(content, 'init'), '#!/bin/sh\n');
  const list = 'init\nkernel\nkernel/x86\nkernel/x86/microcode\nkernel/x86/microcode/GenuineIntel.bin\n';
  const archive = join(dir, `${name}.cpio`);
  await run(['cpio', '-o', '-H', 'newc', '--quiet', '-D', content, '-O', archive], { input: list });
  return readFile(archive);
}

test('the compression of an initramfs is read from its bytes, after an uncompressed early archive', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'disklessset-initramfs-compression-'));
  try {
    const main = join(dir, 'main.cpio');
    await newcArchive(dir, 'main');
    assert.equal(await initramfsCompression(main), 'none');
    const early = await newcArchive(dir, 'early');
    for (const [compression, command] of [['zstd', ['zstd', '-q', '-f', '-9']], ['xz', ['xz', '-k', '-f', '--check=crc32']],
      ['gzip', ['gzip', '-k', '-f', '-n']]] as const) {
      await run([...command, main]);
      const packed = join(dir, `main.cpio.${compression === 'zstd' ? 'zst' : compression === 'xz' ? 'xz' : 'gz'}`);
      assert.equal(await initramfsCompression(packed), compression);
      // dracut's layout with early microcode: the plain archive, zero padding, the compressed one.
      const withEarly = join(dir, `early-${compression}.img`);
      await writeFile(withEarly, Buffer.concat([early, Buffer.alloc(512 - (early.length % 512)), await readFile(packed)]));
      assert.equal(await initramfsCompression(withEarly), compression, `${compression} after an early archive`);
    }
    const text = join(dir, 'text');
    await writeFile(text, 'not an initramfs\n');
    assert.equal(await initramfsCompression(text), 'unknown');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
