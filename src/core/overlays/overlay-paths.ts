/**
 * The one check of a path inside a node's root, as overlays name it (a file
 * of an overlay's tree, a key of overlay.yml, `overlay render --path`): it
 * must stay inside the root, so no `.` or `..` part, and no control
 * character (a newline would forge lines in listings and archives).
 */
import { UsageError } from '../../errors/index.js';

/** Longest delivered path (characters). */
const MAX_PATH = 1024;

/**
 * `path` as an absolute path inside the node's root (`etc//hosts` and
 * `/etc/hosts` both give `/etc/hosts`).
 * @throws UsageError E_OVERLAY_PATH for an empty path, the root itself, a `.` or `..` part, or a control character.
 */
export function normaliseOverlayPath(path: string, overlay: string): string {
  const parts = String(path).split('/').filter((part) => part !== '');
  // eslint-disable-next-line no-control-regex -- control characters are exactly what must be refused
  const bad = parts.length === 0 || path.length > MAX_PATH || parts.some((part) => part === '.' || part === '..' || /[\0-\x1f\x7f]/.test(part));
  if (bad) {
    throw new UsageError('E_OVERLAY_PATH', `overlay ${overlay}: path ${JSON.stringify(String(path).slice(0, 120))} is not a path inside the node's root`,
      'name a file below / without . or .. parts or control characters, e.g. /etc/motd');
  }
  return `/${parts.join('/')}`;
}

/** The folders above `path`, outermost first (`/etc/ssh/x` → `/etc`, `/etc/ssh`). */
export function parentsOf(path: string): string[] {
  const parts = path.split('/').slice(1, -1);
  return parts.map((_, index) => `/${parts.slice(0, index + 1).join('/')}`);
}
