/**
 * Checks of the host key store's folders and files before they are used.
 * The tool runs as root: a symbolic link placed at `overlay-keys` or at a
 * node's folder would otherwise make it write private keys, chmod or delete
 * wherever the link points, and a key file that is a link, a pipe or a
 * device would ship another file's content as a node's private key, hang a
 * render, or read without end. None is followed: each is refused, naming the
 * path. Making new keys instead is not an option either: they would break
 * every user's known_hosts.
 */
import { constants } from 'node:fs';
import { lstat, open } from 'node:fs/promises';
import { OperationError } from '../../errors/index.js';

/** Most bytes a key file may hold: a 16384-bit RSA key is about 13 KiB, so more than this is not a key. */
export const HOST_KEY_FILE_MAX = 64 * 1024;

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'ENOENT';
}

/**
 * Whether `dir` exists as a real folder (false when missing). Looked at with
 * lstat: a symbolic link is never followed. `keys` names what the folder holds, for the hint.
 * @throws OperationError E_HOST_KEYS_LINK when `dir` is a symbolic link or not a folder.
 */
export async function requireRealKeysDir(dir: string, keys: 'the node\'s keys' | 'the nodes\' keys' = 'the node\'s keys'): Promise<boolean> {
  let info;
  try {
    info = await lstat(dir);
  } catch (error) {
    if (isMissing(error)) return false;
    throw error;
  }
  if (info.isDirectory()) return true;
  const link = info.isSymbolicLink();
  throw new OperationError('E_HOST_KEYS_LINK', `${dir} is ${link ? 'a symbolic link' : 'not a folder'}; SSH host keys are only read from and written to real folders`,
    `move ${keys} back into a real folder at ${dir}, or remove the ${link ? 'link' : 'file'} to have new keys made`);
}

function badKeyFile(file: string, why: string): OperationError {
  return new OperationError('E_HOST_KEY_FILE', `SSH host key file ${file} ${why}`,
    `replace it by the node's real key file, or remove it to have new keys made`);
}

/**
 * The content of the key file `file`, read only if it is a regular file of at
 * most {@link HOST_KEY_FILE_MAX} bytes. Opened with O_NOFOLLOW (a link is
 * refused, not followed) and O_NONBLOCK (a pipe cannot hang the open).
 * @throws OperationError E_HOST_KEY_FILE for a symbolic link, a pipe, a device,
 *   a folder or a file over the limit; the ENOENT error when it is missing.
 */
export async function readKeyFile(file: string): Promise<Buffer> {
  // lstat first: opening a device can have effects of its own (a tape rewinds).
  const info = await lstat(file);
  if (info.isSymbolicLink()) throw badKeyFile(file, 'is a symbolic link');
  if (!info.isFile()) throw badKeyFile(file, 'is not a regular file (a folder, pipe, socket or device)');
  let handle;
  try {
    handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    // Replaced by a link between the lstat and the open.
    if ((error as NodeJS.ErrnoException).code === 'ELOOP') throw badKeyFile(file, 'is a symbolic link');
    throw error;
  }
  try {
    // Checked again on what was opened: the name may have been replaced since the lstat.
    const opened = await handle.stat();
    if (!opened.isFile()) throw badKeyFile(file, 'is not a regular file (a folder, pipe, socket or device)');
    if (opened.size > HOST_KEY_FILE_MAX) throw badKeyFile(file, `holds ${opened.size} bytes, more than ${HOST_KEY_FILE_MAX}`);
    const buffer = Buffer.alloc(HOST_KEY_FILE_MAX + 1);
    let length = 0;
    // Reads to the limit at most, even if the file grows meanwhile.
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > HOST_KEY_FILE_MAX) throw badKeyFile(file, `holds more than ${HOST_KEY_FILE_MAX} bytes`);
    }
    // A copy: the 64 KiB buffer is not kept alive by each of 10,000 nodes' keys.
    return Buffer.from(buffer.subarray(0, length));
  } finally {
    await handle.close();
  }
}
