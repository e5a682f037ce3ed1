/**
 * The one check of files an administrator names as input (kernel add, its
 * --initramfs, --password-file, --ssh-key, --from-file): each must be a
 * regular file. A FIFO would make the read wait for a writer forever, a
 * device such as /dev/zero never ends, a folder cannot be read.
 */
import { constants, type Stats } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { UsageError } from '../errors/index.js';

function kindOf(info: Stats): string {
  if (info.isDirectory()) return 'a folder';
  if (info.isFIFO()) return 'a FIFO';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  if (info.isSocket()) return 'a socket';
  return 'not a plain file';
}

function notRegular(file: string, info: Stats, hint: string): UsageError {
  return new UsageError('E_NOT_REGULAR_FILE', `not a regular file: ${file} (${kindOf(info)})`, hint);
}

/**
 * The status of `file` (links followed), which must be a regular file.
 * @param hint the fix printed after the message, e.g. "give the path of a kernel file".
 * @throws UsageError E_FILE_NOT_FOUND (missing or unreadable), E_NOT_REGULAR_FILE (FIFO, device, folder, socket).
 */
export async function requireRegularFile(file: string, hint: string): Promise<Stats> {
  const info = await stat(file).catch(() => undefined);
  if (!info) throw new UsageError('E_FILE_NOT_FOUND', `no such file: ${file}`, hint);
  if (!info.isFile()) throw notRegular(file, info, hint);
  return info;
}

/**
 * Reads a regular file as UTF-8. It is opened without blocking and checked
 * on the open descriptor, so a FIFO swapped in after a check cannot hang it.
 * @param what names the input in the "cannot read" message, e.g. "the password file".
 * @throws UsageError E_FILE_NOT_FOUND (missing or unreadable), E_NOT_REGULAR_FILE.
 */
export async function readInputFile(file: string, what: string, hint: string): Promise<string> {
  const handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK).catch(() => undefined);
  if (!handle) throw new UsageError('E_FILE_NOT_FOUND', `cannot read ${what} ${file}`, hint);
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw notRegular(file, info, hint);
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}
