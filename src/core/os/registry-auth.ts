/**
 * `--registry-auth FILE`: a containers auth.json handed to skopeo as
 * `--authfile`, so credentials never appear on a command line. The file
 * holds secrets and is read by a root process: it must be a regular file
 * owned by root that nobody else can read or write.
 */
import { resolve } from 'node:path';
import { UsageError } from '../../errors/index.js';
import { readInputFile, requireRegularFile } from '../input-file.js';

const HINT = 'give a containers auth.json (as written by skopeo login or podman login)';

/**
 * Checks `file` and returns its absolute path.
 * @throws UsageError E_FILE_NOT_FOUND, E_NOT_REGULAR_FILE (see input-file.ts);
 * E_REGISTRY_AUTH when it is not owned by root, is open to group or others
 * (the fix names the chown/chmod to run), or is not a JSON mapping with an
 * `auths` mapping.
 */
export async function requireRegistryAuthFile(file: string): Promise<string> {
  const path = resolve(file);
  const info = await requireRegularFile(path, HINT);
  if (info.uid !== 0) {
    throw new UsageError('E_REGISTRY_AUTH', `registry auth file ${path} is owned by uid ${info.uid}, not root`, `run chown root: ${path}`);
  }
  if ((info.mode & 0o077) !== 0) {
    const mode = (info.mode & 0o777).toString(8).padStart(4, '0');
    throw new UsageError('E_REGISTRY_AUTH', `registry auth file ${path} is open to group or others (mode ${mode})`, `run chmod 600 ${path}`);
  }
  let document: unknown;
  try {
    document = JSON.parse(await readInputFile(path, 'the registry auth file', HINT));
  } catch (error) {
    if (error instanceof UsageError) throw error;
    // The parser's message may quote the file's text, which holds secrets: it is not repeated.
    throw new UsageError('E_REGISTRY_AUTH', `registry auth file ${path} is not valid JSON`, HINT);
  }
  const auths = (document as { auths?: unknown } | null)?.auths;
  if (!document || typeof document !== 'object' || Array.isArray(document) || !auths || typeof auths !== 'object' || Array.isArray(auths)) {
    throw new UsageError('E_REGISTRY_AUTH', `registry auth file ${path} has no "auths" mapping`, HINT);
  }
  return path;
}
