/**
 * `overlay.yml`, the optional file beside an overlay's tree: a description
 * and, per delivered path, the mode, owner, group and secrecy that the source
 * file's own metadata cannot say (a file checked into git loses its owner; a
 * key must be 0600 whatever the umask was). Unknown keys are refused with
 * the nearest known one, as in the inventory.
 */
import { readFile } from 'node:fs/promises';
import { UsageError } from '../../errors/index.js';
import { requireKnownKeys } from '../raw-options.js';
import { parseYamlText } from '../yaml-text.js';
import { normaliseOverlayPath } from './overlay-paths.js';
import { MAX_ACCOUNT_ID } from './accounts.js';

/** Settings of one delivered path; each absent one keeps the source file's. */
export interface PathSettings {
  mode?: number;
  /** Owner: a number, or a name resolved with {@link AccountResolver}. */
  owner?: number | string;
  group?: number | string;
  secret?: boolean;
}

/** A parsed overlay.yml. */
export interface OverlayMeta {
  description?: string;
  /** Absolute delivered path (`/etc/hosts`, after the `.j2` suffix is dropped) → settings. */
  files: Map<string, PathSettings>;
}

/** Name of the file beside the tree; never delivered itself. */
export const META_FILE = 'overlay.yml';
const TOP_KEYS = ['description', 'files'];
const PATH_KEYS = ['mode', 'owner', 'group', 'secret'];

function metaError(overlay: string, what: string, hint = 'see docs/overlays.md, "overlay.yml"'): UsageError {
  return new UsageError('E_OVERLAY_META', `${META_FILE} of overlay ${overlay}: ${what}`, hint);
}

function parseMode(value: unknown, overlay: string, path: string): number {
  // A YAML 1.2 number 0600 is six hundred decimal: only a quoted octal text is unambiguous.
  if (typeof value !== 'string' || !/^0?[0-7]{3,4}$/.test(value)) {
    throw metaError(overlay, `mode of ${path} must be quoted octal text such as '0600', not ${JSON.stringify(value)}`, "write e.g. mode: '0600'");
  }
  return parseInt(value, 8) & 0o7777;
}

function parseAccount(value: unknown, key: string, overlay: string, path: string): number | string {
  // 4294967295 is (uid_t)-1, "no change" to chown: not an account a file can have.
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_ACCOUNT_ID) return value;
  if (typeof value === 'string' && /^[a-z_][a-z0-9_.-]{0,31}\$?$/i.test(value)) return value;
  throw metaError(overlay, `${key} of ${path} must be a number from 0 to ${MAX_ACCOUNT_ID} or an account name, not ${JSON.stringify(value)}`, `e.g. ${key}: 0 or ${key}: root`);
}

/**
 * Reads `<overlayDir>/overlay.yml` (undefined when absent).
 * @throws UsageError E_OVERLAY_META (syntax, unknown key with the nearest one, bad value), E_OVERLAY_PATH (a path escaping the root).
 */
export async function readOverlayMeta(file: string, overlay: string): Promise<OverlayMeta | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return parseOverlayMeta(text, overlay);
}

/** Parses the text of an overlay.yml (see {@link readOverlayMeta}). */
export function parseOverlayMeta(text: string, overlay: string): OverlayMeta {
  let raw: unknown;
  try {
    raw = parseYamlText(text, { maxAliasCount: 0 });
  } catch (error) {
    throw metaError(overlay, (error as Error).message);
  }
  const meta: OverlayMeta = { files: new Map() };
  if (raw === null || raw === undefined) return meta;
  if (typeof raw !== 'object' || Array.isArray(raw)) throw metaError(overlay, 'the top level must be a map');
  const top = raw as Record<string, unknown>;
  try {
    requireKnownKeys(top, TOP_KEYS, `${META_FILE} of overlay ${overlay}`);
  } catch (error) {
    throw metaError(overlay, (error as Error).message.replace(/ in overlay\.yml of overlay .*?(;|$)/, '$1'), (error as UsageError).hint);
  }
  if (top.description !== undefined) {
    // eslint-disable-next-line no-control-regex -- a newline or a terminal's escape sequence would reach listings
    if (typeof top.description !== 'string' || /[\u0000-\u001f\u007f-\u009f]/.test(top.description)) throw metaError(overlay, 'description must be one line of text, without control characters');
    meta.description = top.description;
  }
  const files = top.files ?? {};
  if (typeof files !== 'object' || files === null || Array.isArray(files)) throw metaError(overlay, '"files" must be a map of paths to settings');
  const spelled = new Map<string, string>();
  for (const [key, value] of Object.entries(files as Record<string, unknown>)) {
    const path = normaliseOverlayPath(key, overlay);
    // `/etc/key` and `etc//key/` name one file: the later settings would replace the earlier ones, a `secret: true` among them.
    const other = spelled.get(path);
    if (other !== undefined) throw metaError(overlay, `${JSON.stringify(other)} and ${JSON.stringify(key)} both name ${path}`, 'keep one entry per path, with all its settings');
    spelled.set(path, key);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw metaError(overlay, `settings of ${path} must be a map (mode, owner, group, secret)`);
    const entry = value as Record<string, unknown>;
    try {
      requireKnownKeys(entry, PATH_KEYS, `the settings of ${path}`);
    } catch (error) {
      throw metaError(overlay, (error as Error).message, (error as UsageError).hint);
    }
    const settings: PathSettings = {};
    if (entry.mode !== undefined) settings.mode = parseMode(entry.mode, overlay, path);
    if (entry.owner !== undefined) settings.owner = parseAccount(entry.owner, 'owner', overlay, path);
    if (entry.group !== undefined) settings.group = parseAccount(entry.group, 'group', overlay, path);
    if (entry.secret !== undefined) {
      if (typeof entry.secret !== 'boolean') throw metaError(overlay, `secret of ${path} must be true or false`);
      settings.secret = entry.secret;
    }
    meta.files.set(path, settings);
  }
  return meta;
}
