/**
 * The shape of `installations.yml`, checked on every read: the registry's
 * entries drive deletions and process signals, so a value of the wrong type
 * must stop the reader with a clear error rather than reach that code.
 */
import { OperationError } from '../../errors/index.js';

/** One build in progress as stored on disk. */
export interface InstallationEntry {
  pid: number;
  image_class: string;
  start_time?: number;
  boot_id?: string;
  /** Paths the build created or was about to create. */
  paths?: string[];
  /** Set when the entry registers a removal rather than a build. */
  operation?: 'removal';
  /** Commands the build started, each in its own process group (pid = group id). */
  children?: { pid: number; start_time?: number }[];
}

/**
 * `mounts` was written (always empty) by earlier versions: it is still
 * accepted when well formed, then dropped, so it is never written back.
 */
const LEGACY_FIELDS = ['mounts'] as const;
const KNOWN_FIELDS = new Set(['pid', 'image_class', 'start_time', 'boot_id', 'paths', 'children', 'operation', ...LEGACY_FIELDS]);

function isPid(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Why one entry is malformed, or undefined when it is well formed. */
function entryProblem(value: unknown): string | undefined {
  if (!isMapping(value)) return 'is not a mapping';
  const unknown = Object.keys(value).find((key) => !KNOWN_FIELDS.has(key));
  if (unknown !== undefined) return `has an unknown field "${unknown}"`;
  if (!isPid(value.pid)) return 'has no positive integer pid';
  if (typeof value.image_class !== 'string') return 'has no image_class string';
  if (value.start_time !== undefined && (typeof value.start_time !== 'number' || !Number.isFinite(value.start_time))) return 'has a start_time that is not a number';
  if (value.boot_id !== undefined && typeof value.boot_id !== 'string') return 'has a boot_id that is not a string';
  if (value.paths !== undefined && !isStringList(value.paths)) return 'has paths that are not a list of strings';
  if (value.mounts !== undefined && !isStringList(value.mounts)) return 'has mounts that are not a list of strings';
  if (value.operation !== undefined && value.operation !== 'removal') return 'has an operation other than "removal"';
  if (value.children !== undefined && !(Array.isArray(value.children) && value.children.every((child) => isMapping(child)
    && isPid(child.pid) && (child.start_time === undefined || (typeof child.start_time === 'number' && Number.isFinite(child.start_time)))))) {
    return 'has children that are not a list of {pid, start_time}';
  }
  return undefined;
}

/**
 * The entries of a parsed `installations.yml` document (`null`, an empty
 * file, means none).
 * @throws OperationError E_STATE_FILE_INVALID naming `file` when the document is
 *   not a mapping of name → entry with the documented field types.
 */
export function checkInstallations(file: string, document: unknown): Record<string, InstallationEntry> {
  const invalid = (what: string): OperationError => new OperationError('E_STATE_FILE_INVALID', `${file} is not a valid build registry (${what})`,
    'fix it by hand, or move it aside if no build is running (its builds then show as DAMAGED images)');
  if (document === null || document === undefined) return {};
  if (!isMapping(document)) throw invalid('it is not a mapping of image names to builds');
  const entries: Record<string, InstallationEntry> = {};
  for (const [name, value] of Object.entries(document)) {
    const problem = entryProblem(value);
    if (problem) throw invalid(`entry "${name.slice(0, 64)}" ${problem}`);
    const entry = { ...(value as Record<string, unknown>) };
    for (const legacy of LEGACY_FIELDS) delete entry[legacy];
    entries[name] = entry as unknown as InstallationEntry;
  }
  return entries;
}
