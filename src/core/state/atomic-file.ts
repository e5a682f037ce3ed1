/**
 * Crash-safe file replacement: write a temporary file beside the target, fsync
 * it, rename it over the target, fsync the folder. A reader sees the old or the
 * new content, never a mixture, and a crash leaves at most a stray temp file.
 */
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { isDiskFull, noSpaceError } from './disk-full.js';

/**
 * Temporary sibling name used while replacing `target`; starts with '.' so
 * listings skip it. It carries the writer's pid (`.<name>.<tag>-<pid>-<hex>`),
 * so the leftover of a killed writer is recognised and swept (see leftovers.ts).
 */
export function temporarySibling(target: string, tag = 'tmp'): string {
  const suffix = `.${tag}-${process.pid}-${randomBytes(4).toString('hex')}`;
  // File names stop at 255 bytes: a long target (a node script named after an FQDN) is cut in its temporary name.
  let base = basename(target);
  while (Buffer.byteLength(`.${base}${suffix}`) > 255) base = base.slice(0, -1);
  return join(dirname(target), `.${base}${suffix}`);
}

/** Flushes a folder's entries to disk, so a rename inside it survives a power loss. */
export async function fsyncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Atomically replaces `target` with `content` (file mode `mode`, default 0644).
 * `options.sync: false` skips the fsyncs (still temp + rename): for callers
 * writing many files that flush their folder once afterwards with
 * {@link fsyncDirectory} and can re-derive the files after a crash.
 * @throws OperationError E_NO_SPACE naming the folder when its file system is
 *   full (the old file stays, no temporary file is left); other file system errors as they come.
 */
export async function writeFileAtomic(target: string, content: string | Buffer, mode = 0o644,
  options: { sync?: boolean } = {}): Promise<void> {
  const sync = options.sync ?? true;
  await mkdir(dirname(target), { recursive: true });
  const temporary = temporarySibling(target);
  try {
    const handle = await open(temporary, 'wx', mode);
    try {
      await handle.writeFile(content);
      // The mode given to open() is filtered by the umask; secrets depend on the exact mode.
      await handle.chmod(mode);
      if (sync) await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true });
    throw isDiskFull(error) ? noSpaceError(dirname(target), error) : error;
  }
  if (sync) await fsyncDirectory(dirname(target));
}

/** Reads a state file; undefined when it does not exist yet (other errors are thrown). */
export async function readTextIfExists(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
