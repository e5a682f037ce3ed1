/**
 * Checks of the `paths:` section of the config file. A configured path is
 * text from a file, so it is trusted only once it is shown to be a plain
 * absolute path (no `.` or `..` part, only characters that iPXE scripts, URLs
 * and NFS export lines carry unchanged), to stay inside the root prefix once
 * symbolic links are followed, and, for what nodes download, to lie inside the
 * HTTP root (anything else would be written but never served).
 */
import { UsageError } from '../errors/index.js';
import { Paths, PATH_KEYS, type PathKey } from './paths.js';
import { realPathOf } from './state/safe-remove.js';

/** Locations nodes download from: they must lie inside `httpRoot`. */
export const SERVED_KEYS: readonly PathKey[] = ['imagesDir', 'kernelsDir', 'bootNodesDir'];
/** Locations holding secrets or whole OS trees: they must not lie inside `httpRoot`. */
export const PRIVATE_KEYS: readonly PathKey[] = [
  'stateDir', 'configDir', 'modulesDir', 'workDir', 'nfsImagesDir', 'exportsFile', 'ganeshaExportsFile',
];

// Conservative on purpose: a space splits an iPXE line, `$` and `#` are iPXE
// syntax, `%`, `?` and `#` change a URL, quotes and commas break export lines.
const SAFE_PATH = /^[A-Za-z0-9._/+-]+$/;

function inside(path: string, folder: string): boolean {
  return folder === '/' || path.startsWith(`${folder}/`);
}

/**
 * Normalises one configured path (duplicate and trailing slashes dropped).
 * @throws UsageError E_CONFIG_INVALID (not an absolute string), E_CONFIG_PATH_CHARS
 * (unsafe characters) or E_CONFIG_PATH_OUTSIDE_ROOT (a `.` or `..` part).
 */
export function normaliseConfiguredPath(key: string, value: unknown, file: string): string {
  if (typeof value !== 'string' || !value.startsWith('/')) {
    throw new UsageError('E_CONFIG_INVALID', `invalid config file ${file}: path "${key}" must be absolute`, 'fix or remove the file');
  }
  if (!SAFE_PATH.test(value)) {
    throw new UsageError('E_CONFIG_PATH_CHARS', `config file ${file}: path "${key}" ${JSON.stringify(value)} has characters that break boot scripts or URLs`,
      'use only letters, digits and . _ / + - in configured paths');
  }
  const parts = value.split('/').filter(Boolean);
  if (parts.some((part) => part === '.' || part === '..')) {
    throw new UsageError('E_CONFIG_PATH_OUTSIDE_ROOT', `config file ${file}: path "${key}" ${JSON.stringify(value)} has a . or .. part`,
      'write the path without . or .. parts');
  }
  return `/${parts.join('/')}`;
}

/**
 * Checks where the locations of an installation fall, configured or default:
 * served ones inside `httpRoot`, private ones outside it, and all of them inside
 * the root prefix once existing symbolic links are followed.
 * @throws UsageError E_CONFIG_PATH_NOT_SERVED, E_CONFIG_PATH_SERVED or E_CONFIG_PATH_OUTSIDE_ROOT.
 */
export function checkPathPlacement(root: string, overrides: Partial<Record<PathKey, string>>, file: string): void {
  const paths = new Paths(root, overrides);
  const httpRoot = paths.logical('httpRoot');
  for (const key of SERVED_KEYS) {
    if (!inside(paths.logical(key), httpRoot)) {
      throw new UsageError('E_CONFIG_PATH_NOT_SERVED', `config file ${file}: ${key} ${paths.logical(key)} is not a folder below httpRoot ${httpRoot}, so nodes could never download it`,
        `put ${key} below httpRoot (e.g. ${httpRoot}/diskless/${key === 'imagesDir' ? 'images' : key === 'kernelsDir' ? 'kernels' : 'nodes'}) or set httpRoot to a folder holding it`);
    }
  }
  for (const key of PRIVATE_KEYS) {
    if (paths.logical(key) === httpRoot || inside(paths.logical(key), httpRoot)) {
      throw new UsageError('E_CONFIG_PATH_SERVED', `config file ${file}: ${key} ${paths.logical(key)} is inside httpRoot ${httpRoot}, so anyone could download it`,
        `move ${key} out of ${httpRoot}`);
    }
  }
  const realRoot = realPathOf(paths.root);
  const realHttpRoot = realPathOf(paths.httpRoot);
  for (const key of PATH_KEYS) {
    const real = realPathOf(paths.physical(key));
    if (real !== realRoot && !inside(real, realRoot)) {
      throw new UsageError('E_CONFIG_PATH_OUTSIDE_ROOT', `${key} ${paths.physical(key)} leads to ${real}, outside the root ${realRoot}`,
        `replace the symbolic link on the way, or change ${key} in ${file}`);
    }
    if (SERVED_KEYS.includes(key) && !inside(real, realHttpRoot)) {
      throw new UsageError('E_CONFIG_PATH_NOT_SERVED', `${key} ${paths.physical(key)} leads to ${real}, outside the HTTP root ${realHttpRoot}`,
        `replace the symbolic link on the way, or change ${key} in ${file}`);
    }
  }
}
