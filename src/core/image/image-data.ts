/**
 * `image_data.yml`, the attributes of one image, under a top `image_data:` key.
 * Files written by the original tool hold Python `str()` values (`False`,
 * `Type.STANDARD`, `['vim', 'htop']`, `None`); they are normalised on load.
 */
import { readFileSync } from 'node:fs';
import { parseYamlText, stringifyYaml } from '../yaml-text.js';
import { OperationError } from '../../errors/index.js';
import { writeFileAtomic } from '../state/atomic-file.js';

/** Attributes of an image. Modules add their own keys. */
export interface ImageData {
  name: string;
  image_class: string;
  creation_date?: string;
  /** Kernel file name (`vmlinuz-<version>`), for bootable images. */
  kernel?: string;
  /** Initramfs file name (`initramfs-kernel-<version>`); the original calls it `image`. */
  image?: string;
  [attribute: string]: unknown;
}

/** Attributes never shown by listings (secrets). */
export const SECRET_ATTRIBUTES = new Set(['password']);

/** Attributes that hold the original's absolute folders; recomputed from paths, never trusted. */
export const DERIVED_ATTRIBUTES = new Set(['IMAGE_DIRECTORY', 'WORKING_DIRECTORY', 'MOUNT_DIRECTORY', 'NFS_DIRECTORY']);

/** Parses a Python list literal of strings or numbers, e.g. `['vim', "htop", 3]`. */
function parsePythonList(text: string): unknown[] | undefined {
  const inner = text.trim().slice(1, -1).trim();
  if (inner === '') return [];
  const items: unknown[] = [];
  const itemPattern = /\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"|(-?\d+(?:\.\d+)?))\s*(?:,|$)/y;
  let position = 0;
  while (position < inner.length) {
    itemPattern.lastIndex = position;
    const match = itemPattern.exec(inner);
    if (!match) return undefined;
    items.push(match[3] !== undefined ? Number(match[3]) : (match[1] ?? match[2] ?? '').replace(/\\(.)/g, '$1'));
    position = itemPattern.lastIndex;
  }
  return items;
}

/** Converts one value written by the original tool to its natural type. */
export function normaliseLegacyValue(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const text = value.trim();
  if (text === 'True') return true;
  if (text === 'False') return false;
  if (text === 'None') return null;
  const enumMatch = /^[A-Z]\w*\.([A-Z_]+)$/.exec(text);
  if (enumMatch?.[1]) return enumMatch[1].toLowerCase();
  if (text.startsWith('[') && text.endsWith(']')) return parsePythonList(text) ?? value;
  return value;
}

const SIMPLE_LINE = /^ {2,8}([A-Za-z_][\w-]*): ?(.*)$/;
const PLAIN_VALUE = /^(?:[\w$][\w$./+:@-]*(?: [\w$./+:@-]+)*|\[[\w ,'".+:@/-]*\])?$/;
const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?$/;

function simpleScalar(raw: string): unknown {
  if (raw === '' || raw === 'null' || raw === '~') return null;
  if (raw === 'true' || raw === 'True') return true;
  if (raw === 'false' || raw === 'False') return false;
  if (NUMBER.test(raw)) return Number(raw);
  if (raw.startsWith('[')) return parsePythonList(raw) ?? parseFlowList(raw);
  return raw;
}

function parseFlowList(raw: string): unknown[] {
  const inner = raw.slice(1, -1).trim();
  return inner === '' ? [] : inner.split(',').map((item) => simpleScalar(item.trim()));
}

/**
 * Fast path for the flat files this tool and the original write (one
 * `key: plain value` per line): listing 1,000 images must not pay for a full
 * YAML parser. Returns undefined whenever the text holds anything else.
 */
function parseSimpleImageData(text: string): Record<string, unknown> | undefined {
  const lines = text.split('\n');
  if (lines[0]?.trimEnd() !== 'image_data:') return undefined;
  const body: Record<string, unknown> = {};
  for (const line of lines.slice(1)) {
    if (line.trim() === '') continue;
    const match = SIMPLE_LINE.exec(line.trimEnd());
    if (!match?.[1] || match[2] === undefined || !PLAIN_VALUE.test(match[2])) return undefined;
    if (match[1] in body) return undefined;
    body[match[1]] = simpleScalar(match[2]);
  }
  return body;
}

/**
 * Parses the text of an image_data.yml file (ours, or the original tool's
 * with Python values) into its attributes.
 * @throws OperationError E_IMAGE_DATA_INVALID (naming `file`) when it is not YAML, has no
 *   `image_data` mapping, or lacks `name` or `image_class`.
 */
export function parseImageData(text: string, file: string): ImageData {
  const simple = parseSimpleImageData(text);
  let document: unknown = simple ? { image_data: simple } : undefined;
  try {
    document ??= parseYamlText(text);
  } catch (error) {
    throw new OperationError('E_IMAGE_DATA_INVALID', `unreadable ${file}: ${(error as Error).message.split('\n')[0]}`,
      'restore the file or clean the image');
  }
  const body = (document as { image_data?: unknown } | null)?.image_data;
  if (!body || typeof body !== 'object') {
    throw new OperationError('E_IMAGE_DATA_INVALID', `${file} has no image_data mapping`, 'restore the file or clean the image');
  }
  const data: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) data[key] = normaliseLegacyValue(value);
  // A Python date was written unquoted; keep it as plain text.
  if (data.creation_date instanceof Date) data.creation_date = data.creation_date.toISOString().slice(0, 10);
  if (typeof data.name !== 'string' || typeof data.image_class !== 'string') {
    throw new OperationError('E_IMAGE_DATA_INVALID', `${file} lacks name or image_class`, 'restore the file or clean the image');
  }
  return data as ImageData;
}

/**
 * Loads an image_data.yml file.
 * @throws OperationError E_IMAGE_DATA_INVALID (see {@link parseImageData}); the file system's error (ENOENT...) as is.
 */
export async function loadImageData(file: string): Promise<ImageData> {
  // A synchronous read: the file is a few hundred bytes, and `image list` reads one per
  // image; a promise per file (open, stat, read, close through the thread pool) cost
  // several times the read itself. The function stays async for its callers.
  return parseImageData(readFileSync(file, 'utf8'), file);
}

/**
 * Saves attributes atomically. The file may hold a password hash, so it is
 * readable by its owner only.
 * @throws OperationError E_NO_SPACE when its file system is full (the old file stays).
 */
export async function saveImageData(file: string, data: ImageData): Promise<void> {
  const stored: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) {
    if (value !== undefined && !DERIVED_ATTRIBUTES.has(key)) stored[key] = value;
  }
  await writeFileAtomic(file, stringifyYaml({ image_data: stored }), 0o600);
}

/** A copy of the attributes fit for display: secrets redacted, derived folders dropped. */
export function publicAttributes(data: ImageData): Record<string, unknown> {
  const shown: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) {
    if (DERIVED_ATTRIBUTES.has(key)) continue;
    shown[key] = SECRET_ATTRIBUTES.has(key) && value ? '<redacted>' : value;
  }
  return shown;
}
