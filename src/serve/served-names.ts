/**
 * Which files of the HTTP tree are never served, whatever their mode: the
 * tool's state and recipe files (an image's `image_data.yml` holds the root
 * password hash), lock folders, temporary files and dotfiles. A boot tree
 * only needs iPXE scripts, kernels, initramfs and images, so the list is a
 * deny-list of everything else the tool or an editor may leave there.
 *
 * One pattern serves the embedded server and the nginx/Apache snippets, so
 * both refuse exactly the same paths.
 */

/**
 * Matches a decoded URL path (or any `/`-separated path) that must not be
 * served. Written in the regex subset JavaScript, PCRE (nginx) and APR
 * (Apache) share; no quote, brace or semicolon, so it can go into a config
 * file as is. Case-insensitive by the `i` flag (`~*` in nginx, `(?i)` in Apache).
 *
 * The tool's own temporary names are dotfiles (`.<name>.tmp-<pid>-<hex>`,
 * `.<name>.stale-<pid>-<hex>` from `temporarySibling`, `.tmp-<node>-…` for
 * host keys), hidden by `(^|/)\.`. Beyond that only a name ending in `.tmp`
 * or in the exact temporary suffix `.tmp-<pid>-<hex>` is hidden: a node
 * named `node01.tmp-cluster.example.com` has its script and overlay
 * (`….tmp-cluster.example.com.ipxe`, `.img`) served like any other.
 */
export const HIDDEN_PATH_SOURCE = String.raw`(^|/)\.|\.lock(/|$)|\.ya?ml$|\.tmp(-[0-9]+-[0-9a-f]+)?$|~$|\.(swp|bak|orig|rej)$|(^|/)(owner|boot-assignments|api-tokens)\.json$`;

const HIDDEN_PATH = new RegExp(HIDDEN_PATH_SOURCE, 'i');

/** True when `path` (decoded, `/`-separated, relative or absolute) names something never served. */
export function isHiddenPath(path: string): boolean {
  return HIDDEN_PATH.test(path);
}

/**
 * True when a file's mode lets anyone read it. Files that are not
 * world-readable are private by intent (the embedded server runs as root
 * and could read them; nginx as www-data could not), so they are not served.
 */
export function isWorldReadable(mode: number): boolean {
  return (mode & 0o004) !== 0;
}
