/**
 * Checks of options given as data rather than as command-line flags (spec
 * files, API bodies): every key must be known, with the nearest known key
 * suggested for a typo, and every value must have the expected type. A value
 * of the wrong type is refused rather than replaced by a default, so that
 * `source: 12` never silently becomes a package-manager build.
 */
import { UsageError } from '../errors/index.js';

/** Number of single-character edits (insert, delete, replace) turning `a` into `b`. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_v, i) => i);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const replace = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(replace, (previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** The known key closest to `key`, if it is close enough to be a typo of it. */
export function nearestKey(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(best.length / 3)) ? best : undefined;
}

/**
 * Throws UsageError E_UNKNOWN_OPTION for the first key of `raw` not in
 * `known` ("unknown key sizee in SPEC.yml; did you mean size?"). `where`
 * names the file or body for the message.
 */
export function requireKnownKeys(raw: Record<string, unknown>, known: readonly string[], where: string): void {
  // Own keys (enumerable or not) against a Set: `__proto__`, `constructor` or
  // `prototype` are unknown keys like any other, never looked up on Object.prototype.
  const allowed = new Set(known);
  for (const key of Object.getOwnPropertyNames(raw)) {
    if (allowed.has(key)) continue;
    const nearest = nearestKey(key, known);
    throw new UsageError('E_UNKNOWN_OPTION', `unknown key ${JSON.stringify(key)} in ${where}${nearest ? `; did you mean ${nearest}?` : ''}`,
      nearest ? `rename it to ${nearest}` : `known keys: ${known.join(', ')}`);
  }
}

/** The value of `key` if it is a string (undefined if absent); throws UsageError `code` for another type. */
export function optionalText(raw: Record<string, unknown>, key: string, code: string): string | undefined {
  const value = raw[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    throw new UsageError(code, `"${key}" must be text, not ${JSON.stringify(value)}`, `write it as a string, e.g. ${key}: "..."`);
  }
  return value;
}

/** The value of `key` as a boolean (false if absent); throws UsageError E_OPTION_TYPE for another type. */
export function optionalFlag(raw: Record<string, unknown>, key: string): boolean {
  const value = raw[key];
  if (value === undefined || value === null) return false;
  if (typeof value !== 'boolean') {
    throw new UsageError('E_OPTION_TYPE', `"${key}" must be true or false, not ${JSON.stringify(value)}`, `write ${key}: true or ${key}: false`);
  }
  return value;
}

/** A list of names given as a list of strings or as one comma/space separated string; throws E_OPTION_TYPE otherwise. */
export function nameList(raw: Record<string, unknown>, key: string): string[] {
  const value = raw[key];
  if (value === undefined || value === null || value === '') return [];
  const items = Array.isArray(value) ? value : [value];
  if (!items.every((item) => typeof item === 'string')) {
    throw new UsageError('E_OPTION_TYPE', `"${key}" must be a list of names or a comma-separated string`, `e.g. ${key}: [vim, tmux]`);
  }
  return [...new Set((items as string[]).flatMap((item) => item.split(/[\s,]+/)).filter(Boolean))];
}
