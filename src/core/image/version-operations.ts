/**
 * What users do with image versions: list them (`image history`) and put an
 * older one back (`image rollback`). The versions themselves are in versions.ts.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ConflictError, NotFoundError, UsageError } from '../../errors/index.js';
import { isImageName, isKernelVersion, isVersionId, normalizeVersionId, parseImageReference, validateImageName } from '../names.js';
import type { ImageAccess } from './image.js';
import { fileSha256, listVersions, readVersion, restoredAttributes, versionRootFile, type VersionRecord } from './versions.js';

/** One line of `image history`: a kept version, and whether nodes boot it by default now. */
export interface VersionEntry extends VersionRecord {
  current: boolean;
}

/**
 * The refusal of a version an image does not keep: the one error for an
 * unknown version, whatever command names it (history, rollback, diff, a
 * node pinned to NAME@VERSION). NotFound, like an unknown image.
 */
export function versionNotFound(name: string, id: string, kept: readonly string[]): NotFoundError {
  return new NotFoundError('E_VERSION_NOT_FOUND', `image "${name}" keeps no version ${id}`,
    kept.length > 0 ? `give one of: ${kept.map((version) => `${name}@${version}`).join(', ')} (see \`disklessset image history ${name}\`)`
      : `image ${name} has no versions: name it without @VERSION`);
}

/**
 * Kept versions of a CREATED image, newest first; `NAME@VERSION` gives that version only.
 * @throws UsageError E_IMAGE_NAME, E_IMAGE_VERSION; NotFoundError E_IMAGE_NOT_FOUND, E_VERSION_NOT_FOUND; ConflictError E_IMAGE_NOT_READY.
 */
export async function imageHistory(images: ImageAccess, reference: string): Promise<VersionEntry[]> {
  const { name, version: only } = parseImageReference(reference);
  const image = await images.get(name);
  const versions = await listVersions(image.imageDirectory);
  if (only !== undefined && !versions.some((version) => version.id === only)) throw versionNotFound(name, only, versions.map((v) => v.id));
  return versions.filter((version) => only === undefined || version.id === only)
    .map((version) => ({ ...version, kernel: shownKernel(version.kernel), current: version.id === image.data.version }));
}

/** Shown instead of a kernel name a hand-edited record made invalid (never echoed: it may be a path). */
const INVALID_KERNEL = '<invalid kernel name>';

/** Whether `kernel` (from a version record) is a kernel file name: `vmlinuz-` and a valid kernel version. The one check of history and rollback. */
function isKernelFile(kernel: string): boolean {
  return isBootFile(kernel, 'vmlinuz-');
}

/** Whether `file` (from a version record) is `prefix` and a valid kernel version, as image_data.yml requires (image-folder.ts). */
function isBootFile(file: unknown, prefix: string): boolean {
  return typeof file === 'string' && file.startsWith(prefix) && isKernelVersion(file.slice(prefix.length));
}

function shownKernel(kernel: string | null): string | null {
  return kernel === null || isKernelFile(kernel) ? kernel : INVALID_KERNEL;
}

/**
 * Refuses a version whose kernel or initramfs left the kernels folder: nodes
 * could not boot it. Files are looked up by name in a listing (nothing read
 * from the record becomes a path).
 * @throws UsageError E_ROLLBACK_KERNEL_MISSING naming the command that brings the file back.
 */
async function requireBootFiles(images: ImageAccess, name: string, target: VersionRecord): Promise<void> {
  if (target.kernel === null && target.initramfs === null) return;
  const present = new Set(await readdir(images.context.paths.kernelsDir).catch(() => [] as string[]));
  const why = `image "${name}" cannot roll back to version ${target.id}`;
  // A hand-edited record may name anything: an invalid name is never echoed into a command to run.
  const kernelValid = target.kernel !== null && isKernelFile(target.kernel);
  const initramfsValid = target.initramfs === null || isBootFile(target.initramfs, 'initramfs-kernel-');
  if ((target.kernel !== null && !kernelValid) || !initramfsValid) {
    throw new UsageError('E_ROLLBACK_KERNEL_MISSING', `${why}: its record names no valid ${initramfsValid ? 'kernel' : 'initramfs'} file`,
      `roll back to another version that \`disklessset image history ${name}\` lists`);
  }
  if (target.kernel !== null && !present.has(target.kernel)) {
    throw new UsageError('E_ROLLBACK_KERNEL_MISSING', `${why}: its kernel ${target.kernel} is no longer in the kernels folder`,
      `put it back with \`disklessset kernel add /boot/${target.kernel}\` (and its initramfs with \`disklessset kernel initramfs ${target.kernel}\`), then roll back again`);
  }
  if (target.initramfs !== null && !present.has(target.initramfs)) {
    throw new UsageError('E_ROLLBACK_KERNEL_MISSING', `${why}: its initramfs ${target.initramfs} is no longer in the kernels folder`,
      `make it again with \`disklessset kernel initramfs ${target.kernel ?? 'KERNEL'}\`, then roll back again`);
  }
}

/**
 * What is wrong with the root image of version `target` in `imageDir`, or
 * undefined when nothing is: missing, or not the size its record names
 * (a stat: cheap enough for every pin and diff); with `sha256`, also not the
 * sha256 its record names (reads the whole file: rollback only).
 */
export async function rootDamage(imageDir: string, target: VersionRecord, sha256 = false): Promise<string | undefined> {
  const file = versionRootFile(target.id);
  const size = (await stat(join(imageDir, file)).catch(() => undefined))?.size;
  if (size === undefined) return `its root image ${file} is missing`;
  if (size !== target.rootBytes) return `its root image ${file} has ${size} bytes where its record says ${target.rootBytes}`;
  if (sha256 && await fileSha256(join(imageDir, file)) !== target.rootSha256) return `its root image ${file} does not have the sha256 its record names`;
  return undefined;
}

/**
 * Refuses a version whose root image is gone or no longer holds the bytes
 * its record names (truncated, overwritten): booting or reading it would
 * fail. The one check of a damaged version, for rollback (`sha256`), pins
 * (node-operations.ts) and `image diff`. `action` completes "image NAME cannot ... version ID".
 * @throws ConflictError E_VERSION_DAMAGED naming the fix (another version, or `image rebuild`).
 */
export async function requireIntactVersion(imageDir: string, name: string, target: VersionRecord, action: string, sha256 = false): Promise<void> {
  const problem = await rootDamage(imageDir, target, sha256);
  if (problem === undefined) return;
  throw new ConflictError('E_VERSION_DAMAGED', `image "${name}" cannot ${action} version ${target.id}: ${problem}`,
    `use another version that \`disklessset image history ${name}\` lists (\`disklessset image rollback ${name} --to VERSION\`), or rebuild with \`disklessset image rebuild ${name}\``);
}

/**
 * Checks the image name of a rollback. `NAME@VERSION` (how history names a
 * version) is refused with the command that takes the version in --to.
 * @throws UsageError E_ROLLBACK_TARGET for NAME@VERSION, E_IMAGE_NAME for another invalid name.
 */
export function validateRollbackImage(name: string): void {
  const at = name.indexOf('@');
  if (at > 0 && isImageName(name.slice(0, at))) {
    const image = name.slice(0, at);
    throw new UsageError('E_ROLLBACK_TARGET', `image rollback takes an image name, not "${image}@…": the version goes in --to`,
      `give the version with --to: \`disklessset image rollback ${image} --to ${normalizeVersionId(name.slice(at + 1)) ?? 'VERSION'}\``);
  }
  validateImageName(name);
}

/** Answer of {@link rollbackImage}. */
export interface RollbackOutcome {
  /** Version booted now. */
  version: string;
  /** Version booted before (the same when nothing changed). */
  from: string | null;
  changed: boolean;
}

/**
 * Makes version `to` (an id, `NAME@ID` of this image as history writes it, or
 * `previous`: the version published before the current one) the one nodes boot, restoring its kernel and settings. Runs
 * under the image lock; the data (the pointer) is saved last, so a kill
 * leaves the old or the new version. Idempotent: rolling back to the current
 * version changes nothing, and `previous` when the current version was put
 * back by a rollback changes nothing either (it never toggles).
 * @throws UsageError E_IMAGE_NAME, E_ROLLBACK_TARGET (also for NAME@VERSION as the image), E_ROLLBACK_KERNEL_MISSING (its kernel or initramfs is gone); NotFoundError E_IMAGE_NOT_FOUND, E_NO_PREVIOUS, E_VERSION_NOT_FOUND;
 *   ConflictError E_IMAGE_NOT_READY, E_IMAGE_MOUNTED, E_LOCK_TIMEOUT, E_VERSION_DAMAGED (its root image is missing or not the recorded bytes).
 */
export async function rollbackImage(images: ImageAccess, name: string, to: string): Promise<RollbackOutcome> {
  validateRollbackImage(name);
  // `NAME@VERSION` is how history and the not-found hint write a version: taken as VERSION when NAME is this image.
  if (to.startsWith(`${name}@`)) to = to.slice(name.length + 1);
  // Ids are lower case; one given in upper case (copied from elsewhere) names the same version.
  if (to !== 'previous') to = normalizeVersionId(to) ?? to;
  if (to !== 'previous' && !isVersionId(to)) {
    throw new UsageError('E_ROLLBACK_TARGET', `unknown rollback target ${JSON.stringify(String(to).slice(0, 40))}`,
      `use \`disklessset image rollback ${name} --to previous\` or --to VERSION from \`disklessset image history ${name}\``);
  }
  return images.withImageLock(name, async () => {
    const image = await images.get(name);
    if (image.data.is_mounted === true) {
      throw new ConflictError('E_IMAGE_MOUNTED', `cannot roll back image "${name}" while it is mounted`, `unmount it first with \`disklessset livenet unmount ${name}\``);
    }
    const current = typeof image.data.version === 'string' ? image.data.version : null;
    let target: VersionRecord | undefined;
    if (to === 'previous') {
      if (current !== null && image.data.rolled_back_from !== undefined) return { version: current, from: current, changed: false };
      const previous = image.data.previous_version;
      target = isVersionId(previous) ? await readVersion(image.imageDirectory, previous) : undefined;
      if (!target) {
        // The previous version may have been pruned (versions_kept) while older ones are kept for pinned nodes.
        const why = isVersionId(previous) ? `the version published before the current one, ${previous}, is no longer kept` : 'it keeps no version published before the current one';
        throw new NotFoundError('E_NO_PREVIOUS', `image "${name}" cannot roll back to previous: ${why}`,
          `roll back with --to VERSION, one of those \`disklessset image history ${name}\` lists`);
      }
    } else {
      const kept = await listVersions(image.imageDirectory);
      target = kept.find((version) => version.id === to);
      if (!target) throw versionNotFound(name, to, kept.map((version) => version.id));
    }
    if (target.id === current) return { version: current, from: current, changed: false };
    await requireBootFiles(images, name, target);
    await requireIntactVersion(image.imageDirectory, name, target, 'roll back to', true);
    for (const [key, value] of Object.entries(restoredAttributes(target))) {
      if (value === null) delete image.data[key];
      else image.data[key] = value;
    }
    image.data.version = target.id;
    // The version's own files are published again (its id is its content): no new version is made.
    await image.writeBootFile();
    image.data.rolled_back_from = current ?? undefined;
    // The version booted before this rollback (`previousVersion` in answers): never the one booted now.
    if (current !== null) image.data.previous_version = current;
    await image.save();
    // The publication may name it anew: a boot file made from today's settings that differs is another version.
    const version = isVersionId(image.data.version) ? image.data.version : target.id;
    return { version, from: current, changed: version !== current };
  });
}
