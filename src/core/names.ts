/**
 * The gate for names given by users (CLI arguments, menu answers, REST paths
 * and bodies, library callers). Image and kernel names become folder and file
 * names under the root and parts of boot URLs; token ids are looked up in the
 * token file. Every entry point checks its names here, before it touches the
 * file system, takes a lock or registers anything, and the paths module checks
 * them again (defence in depth). Node names are checked by src/nodeset.
 */
import { UsageError } from '../errors/index.js';
import { isHiddenPath } from '../serve/served-names.js';
import { VERSION_ID_SOURCE } from '../serve/versioned-names.js';

const IMAGE_NAME = /^[A-Za-z0-9_+][A-Za-z0-9_.+-]{0,63}$/;
const KERNEL_VERSION = /^[A-Za-z0-9][A-Za-z0-9._+~-]{0,127}$/;
const TOKEN_ID = /^[0-9a-f]{12}$/;

/** A name as shown in an error message: quoted, control characters escaped, long ones cut. */
function shown(name: string): string {
  return JSON.stringify(name.length > 80 ? `${name.slice(0, 80)}...` : name);
}

/**
 * Whether `name` is a valid image name: 1-64 of `[A-Za-z0-9_.+-]`, not
 * starting with `-` or `.`, and not shaped like a file the boot server never
 * serves (`x.lock`, `x.yml`, `x.tmp`, `x.bak`, ... in any case): such an image
 * could not boot, and its folder would look like the tool's own leftovers.
 */
export function isImageName(name: unknown): name is string {
  return typeof name === 'string' && IMAGE_NAME.test(name) && !isHiddenPath(name);
}

/**
 * Returns `name` if it is a valid image name.
 * @throws UsageError E_IMAGE_NAME otherwise.
 */
export function validateImageName(name: string): string {
  if (!isImageName(name)) {
    throw new UsageError('E_IMAGE_NAME', `invalid image name ${shown(String(name))}`,
      'use 1 to 64 letters, digits or -_.+, not starting with - or . nor ending like a lock, YAML, temporary or backup file');
  }
  return name;
}

/** Whether `version` is a valid kernel version (1-128 of `[A-Za-z0-9._+~-]`, starting with a letter or digit). */
export function isKernelVersion(version: unknown): version is string {
  return typeof version === 'string' && KERNEL_VERSION.test(version)
    && !isHiddenPath(`vmlinuz-${version}`) && !isHiddenPath(`initramfs-kernel-${version}`);
}

/**
 * Returns `name` if it is a valid kernel file name, `vmlinuz-<version>`.
 * @throws UsageError E_KERNEL_NAME otherwise.
 */
export function validateKernelName(name: string): string {
  const version = typeof name === 'string' && name.startsWith('vmlinuz-') ? name.slice('vmlinuz-'.length) : undefined;
  if (!isKernelVersion(version)) {
    throw new UsageError('E_KERNEL_NAME', `invalid kernel name ${shown(String(name))}`,
      'give a kernel file name vmlinuz-VERSION as `disklessset kernel list` shows it');
  }
  return name;
}

/**
 * Returns `id` if it is a valid API token id (12 lower-case hex digits).
 * @throws UsageError E_API_TOKEN_ID otherwise.
 */
export function validateTokenId(id: string): string {
  if (typeof id !== 'string' || !TOKEN_ID.test(id)) {
    throw new UsageError('E_API_TOKEN_ID', `invalid API token id ${shown(String(id))}`,
      'give the 12-character id shown by `disklessset api token list`');
  }
  return id;
}

const PROFILE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.+-]{0,63}$/;

/**
 * Returns `name` if it is a valid node profile name (1-64 of `[A-Za-z0-9_.+-]`,
 * starting with a letter, digit or `_`; an Ansible group name fits).
 * @throws UsageError E_PROFILE_NAME otherwise.
 */
export function validateProfileName(name: string): string {
  if (typeof name !== 'string' || !PROFILE_NAME.test(name) || name.includes('..')) {
    throw new UsageError('E_PROFILE_NAME', `invalid profile name ${shown(String(name))}`,
      'use 1 to 64 letters, digits or -_.+, starting with a letter, digit or _');
  }
  return name;
}

const OVERLAY_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.+-]{0,63}$/;

/** Whether `name` is a valid overlay name (the rule of {@link validateOverlayName}). */
export function isOverlayName(name: unknown): name is string {
  return typeof name === 'string' && OVERLAY_NAME.test(name) && !name.includes('..');
}

/**
 * Returns `name` if it is a valid overlay name (1-64 of `[A-Za-z0-9_.+-]`,
 * starting with a letter, digit or `_`, no `..`): it names a folder under
 * `<configDir>/overlays`.
 * @throws UsageError E_OVERLAY_NAME otherwise.
 */
export function validateOverlayName(name: string): string {
  if (!isOverlayName(name)) {
    throw new UsageError('E_OVERLAY_NAME', `invalid overlay name ${shown(String(name))}`,
      'use 1 to 64 letters, digits or -_.+, starting with a letter, digit or _ (see `disklessset overlay list`)');
  }
  return name;
}

const SERVER_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.+-]{0,63}$/;

/** Whether `name` is a valid boot server name (the rule of {@link validateServerName}). */
export function isServerName(name: unknown): name is string {
  return typeof name === 'string' && SERVER_NAME.test(name) && !name.includes('..');
}

/**
 * Returns `name` if it is a valid boot server name (1-64 of `[A-Za-z0-9_.+-]`,
 * starting with a letter, digit or `_`, no `..`): it is a key of the
 * inventory's `servers` map and is shown in node listings.
 * @throws UsageError E_SERVER_NAME otherwise.
 */
export function validateServerName(name: string): string {
  if (!isServerName(name)) {
    throw new UsageError('E_SERVER_NAME', `invalid boot server name ${shown(String(name))}`,
      'use 1 to 64 letters, digits or -_.+, starting with a letter, digit or _ (see `disklessset server list`)');
  }
  return name;
}

// One pattern with the serving rule of versioned files (their names carry the id).
const VERSION_ID = new RegExp(`^${VERSION_ID_SOURCE}$`);

/** Whether `id` is a valid image version id: 12 lower-case hex digits (the start of a content hash). */
export function isVersionId(id: unknown): id is string {
  return typeof id === 'string' && VERSION_ID.test(id);
}

/**
 * `id` as a version id: version ids are lower case, and one given in upper
 * case (copied from a document or a ticket) names the same version, so it
 * is accepted here, at the gate, and lower-cased. Undefined when `id` is no id.
 */
export function normalizeVersionId(id: unknown): string | undefined {
  if (typeof id !== 'string') return undefined;
  const lower = id.toLowerCase();
  return isVersionId(lower) ? lower : undefined;
}

/** `reference` (`NAME` or `NAME@VERSION`) with its version id lower-cased, or undefined when it is not a valid reference. */
export function normalizeImageReference(reference: unknown): string | undefined {
  if (typeof reference !== 'string') return undefined;
  const at = reference.indexOf('@');
  if (at < 0) return isImageName(reference) ? reference : undefined;
  const name = reference.slice(0, at);
  const version = normalizeVersionId(reference.slice(at + 1));
  return isImageName(name) && version !== undefined ? `${name}@${version}` : undefined;
}

/** An image, or one kept version of it (`NAME@VERSION`). */
export interface ImageReference {
  name: string;
  version?: string;
}

/** Whether `reference` is `NAME` or `NAME@VERSION` with a valid name and version id (what a node or profile may boot). */
export function isImageReference(reference: unknown): reference is string {
  if (typeof reference !== 'string') return false;
  const at = reference.indexOf('@');
  return at < 0 ? isImageName(reference) : isImageName(reference.slice(0, at)) && isVersionId(reference.slice(at + 1));
}

/**
 * Splits `NAME` or `NAME@VERSION` into its checked parts.
 * The version id is accepted in any case and returned lower-cased.
 * @throws UsageError E_IMAGE_NAME for a bad or missing name; E_IMAGE_VERSION for a bad version id.
 */
export function parseImageReference(reference: string): ImageReference {
  const text = String(reference);
  const at = text.indexOf('@');
  if (at < 0) return { name: validateImageName(text) };
  if (at === 0) {
    throw new UsageError('E_IMAGE_NAME', `no image name before the @ in ${shown(text)}`,
      'give NAME@VERSION, e.g. compute@0123456789ab, or NAME alone for its current version');
  }
  const name = validateImageName(text.slice(0, at));
  const version = normalizeVersionId(text.slice(at + 1));
  if (version === undefined) {
    throw new UsageError('E_IMAGE_VERSION', `invalid image version ${shown(text.slice(at + 1))} in ${shown(text)}`,
      `give NAME@VERSION with a 12-digit version id as \`disklessset image history ${name}\` shows it`);
  }
  return { name, version };
}

/** The image name of `NAME` or `NAME@VERSION` (the reference is assumed checked). */
export function imageOfReference(reference: string): string {
  const at = reference.indexOf('@');
  return at < 0 ? reference : reference.slice(0, at);
}
