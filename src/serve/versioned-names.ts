/**
 * Which served files never change once written: an image version's files
 * carry its id in their name (`squashfs-<id>.img`, `boot-<id>.ipxe`, and the
 * `.torrent`/`.sha256` companions of the root image), and a rebuild makes a
 * new id, hence a new name. Clients and satellites may keep them forever;
 * every other file (boot.ipxe, squashfs.img, node scripts, overlays) is
 * rewritten under the same name and must be revalidated.
 *
 * The rule lives here, below core, so the embedded server, the nginx
 * snippets and the image code (src/core/image/versions.ts) share one
 * definition without serve knowing about images.
 */

/** A version id: 12 lower-case hex digits (the one pattern; names.ts checks ids with it). */
export const VERSION_ID_SOURCE = '[0-9a-f]{12}';

/**
 * Matches the last part of a path naming a versioned (immutable) file.
 * Written in the regex subset JavaScript and PCRE (nginx) share, without
 * quotes or semicolons; it holds braces, so config files quote it.
 */
export const IMMUTABLE_PATH_SOURCE = String.raw`(^|/)(squashfs-${VERSION_ID_SOURCE}\.img(\.torrent|\.sha256)?|boot-${VERSION_ID_SOURCE}\.ipxe)$`;

const IMMUTABLE_PATH = new RegExp(IMMUTABLE_PATH_SOURCE);

/** Cache-Control of a versioned file: a year, and no revalidation (its bytes never change). */
export const IMMUTABLE_CACHE_CONTROL = 'public, max-age=31536000, immutable';
/** Cache-Control of every other file: keep a copy, but ask (cheap with the ETag) before each use. */
export const REVALIDATE_CACHE_CONTROL = 'no-cache';

/** True when `path` (`/`-separated; only its last part counts) names a versioned file. Case-sensitive: ids are lower case. */
export function isImmutablePath(path: string): boolean {
  return IMMUTABLE_PATH.test(path);
}

/** The Cache-Control value for the file at `path`. */
export function cacheControlFor(path: string): string {
  return isImmutablePath(path) ? IMMUTABLE_CACHE_CONTROL : REVALIDATE_CACHE_CONTROL;
}

/**
 * An nginx `map` block (lines, for the `http { }` context) setting
 * `variable` to `values.versioned` for a request path naming a versioned
 * file and to `values.other` for any other path. Values are written as
 * given (quote those holding spaces). Used by the nginx snippets so nginx
 * applies exactly the rule of {@link isImmutablePath}.
 */
export function nginxPathMap(variable: string, values: { versioned: string; other: string }): string[] {
  return [
    `map $uri ${variable} {`,
    `    default ${values.other};`,
    `    "~${IMMUTABLE_PATH_SOURCE}" ${values.versioned};`,
    '}',
  ];
}
