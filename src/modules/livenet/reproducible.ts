/**
 * Byte-identical builds: the same tree with the same options must give the
 * same squashfs.img, so that a rebuild that changes nothing makes no new
 * version. What would differ between two runs is pinned down:
 * - time: one epoch per image (`SOURCE_DATE_EPOCH` when set, else the time of
 *   its first build, kept as `source_date_epoch`); file times after it are
 *   clamped to it (files the customization wrote), and every time a tool
 *   would take from the clock is this epoch;
 * - ext4 (LiveOS/rootfs.img): the UUID and the directory hash seed come from
 *   the image name, and the inode change and access times (which
 *   `mkfs.ext4 -d` copies from the host, where no one can set the first and
 *   reading moves the second) are set to the epoch with debugfs afterwards;
 * - squashfs: mksquashfs sorts directories itself and is reproducible by
 *   default; `SOURCE_DATE_EPOCH` gives it the creation time and the clamp.
 */
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '../../errors/index.js';
import { run } from '../../system/runner.js';
import { TIMES_SCRIPT } from './work-layout.js';

/** The largest epoch every tool takes: mksquashfs keeps times as unsigned 32-bit seconds. */
export const MAX_EPOCH = 4_294_967_295;

/**
 * The `SOURCE_DATE_EPOCH` of the environment, checked: undefined when it is
 * not set or set empty, else a whole number of seconds from 1 to `MAX_EPOCH`.
 * Empty counts as unset, as the reproducible-builds convention has it (a
 * shell that exports `SOURCE_DATE_EPOCH=` means "none"). 0 is refused
 * because e2fsprogs takes `E2FSPROGS_FAKE_TIME=0` as "not set" and stamps the
 * clock time, which would make every build differ.
 * @throws UsageError E_SOURCE_DATE_EPOCH for any other value (signs, spaces, fractions, too large, 0).
 */
export function environmentEpoch(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const value = env.SOURCE_DATE_EPOCH;
  if (value === undefined || value === '') return undefined;
  const epoch = /^[0-9]{1,10}$/.test(value) ? Number(value) : NaN;
  if (!(epoch >= 1 && epoch <= MAX_EPOCH)) {
    throw new UsageError('E_SOURCE_DATE_EPOCH', `SOURCE_DATE_EPOCH=${JSON.stringify(value).slice(1, -1).slice(0, 40)} is not usable`,
      `give a whole number of seconds from 1 to ${MAX_EPOCH} (0 cannot be kept by e2fsprogs), or unset it`);
  }
  return epoch;
}

/**
 * The epoch of a build: `SOURCE_DATE_EPOCH` of the environment when set,
 * else `stored` (the image's own), else now.
 * @throws UsageError E_SOURCE_DATE_EPOCH for a set value that is no usable epoch (`environmentEpoch`).
 */
export function buildEpoch(stored: unknown, env: NodeJS.ProcessEnv = process.env): number {
  const fromEnv = environmentEpoch(env);
  if (fromEnv !== undefined) return fromEnv;
  // 0 was taken before it was refused; e2fsprogs cannot honour it (see environmentEpoch).
  if (typeof stored === 'number' && Number.isInteger(stored) && stored >= 1 && stored <= MAX_EPOCH) return stored;
  return Math.floor(Date.now() / 1000);
}

/** Environment of the tools of a build of epoch `epoch` (mksquashfs and e2fsprogs read it). */
export function epochEnvironment(epoch: number): Record<string, string> {
  return { SOURCE_DATE_EPOCH: String(epoch), E2FSPROGS_FAKE_TIME: String(epoch) };
}

/** A UUID (version 4 layout) derived from the image name: the same for every build of one image, different between images. */
export function imageUuid(name: string): string {
  const hex = createHash('sha256').update(`disklessset rootfs ${name}`).digest('hex');
  const variant = ((parseInt(hex.charAt(16), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Sets the modification time of every entry of `tree` newer than `epoch` to `epoch` (symbolic links themselves, not their targets). */
export async function clampTreeTimes(tree: string, epoch: number, signal?: AbortSignal): Promise<void> {
  await run(['find', tree, '-xdev', '-newermt', `@${epoch}`, '-exec', 'touch', '--no-dereference', `--date=@${epoch}`, '{}', '+'],
    { timeoutMs: 3600_000, signal });
}

/**
 * Sets the inode change and access times of the root and of every entry of
 * `tree` in the ext4 file system `image` (made from it) to `epoch`, with one debugfs run.
 * A name debugfs cannot take in quotes (holding `"` or a line break) keeps
 * the change time of the build: that file makes the image differ between builds.
 * Backslashes are taken as they are inside quotes (systemd unit names such as
 * `system-systemd\x2dcryptsetup.slice`, in every systemd tree).
 */
export async function fixInodeTimes(image: string, tree: string, epoch: number, workFolder: string, signal?: AbortSignal): Promise<void> {
  const listing = await run(['find', tree, '-xdev', '-mindepth', '1', '-printf', '%P\\0'], { timeoutMs: 3600_000, signal, maxBuffer: 1 << 30 });
  const paths = listing.stdout.split('\0').filter((path) => path !== '' && !/["\n\r]/.test(path)).sort();
  // Access times too: reading the source tree to copy it moves them on the host.
  const commands = ['/', ...paths.map((path) => `/${path}`)].flatMap((path) => [`sif "${path}" ctime @${epoch}`, `sif "${path}" atime @${epoch}`]);
  const script = join(workFolder, TIMES_SCRIPT);
  await writeFile(script, `${commands.join('\n')}\n`, { mode: 0o600 });
  await run(['debugfs', '-w', '-f', script, image], { timeoutMs: 3600_000, signal, env: epochEnvironment(epoch), maxBuffer: 1 << 30 });
}
