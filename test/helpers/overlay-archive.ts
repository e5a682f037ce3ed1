/**
 * A published overlay archive's newc bytes: archives from COMPRESS_FROM bytes
 * are gzip-compressed, smaller ones are plain (newc-archive.ts).
 */
import { gunzipSync } from 'node:zlib';

/** `bytes` unpacked when they start with the gzip magic, else as they are. */
export function newcBytes(bytes: Buffer): Buffer {
  return bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes;
}
