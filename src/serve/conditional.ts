/**
 * Validators and conditional requests (RFC 9110 §8.8, §13). The ETag is
 * strong and built from inode, size and modification time of the file that
 * was actually opened, so a rebuilt image (new inode, usually new size and
 * time) never matches a copy a node cached before the rebuild.
 */
import type { Stats } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';

/** Strong entity tag of an opened file. */
export function entityTag(stats: Stats): string {
  return `"${stats.ino.toString(16)}-${stats.size.toString(16)}-${Math.floor(stats.mtimeMs).toString(16)}"`;
}

/** Last-Modified value (HTTP dates have one-second resolution). */
export function lastModified(stats: Stats): string {
  return stats.mtime.toUTCString();
}

function opaqueTag(tag: string): string {
  return tag.startsWith('W/') ? tag.slice(2) : tag;
}

function listTags(header: string): string[] {
  return header.split(',').map((tag) => tag.trim()).filter((tag) => tag !== '');
}

function wholeSeconds(ms: number): number {
  return Math.floor(ms / 1000);
}

/**
 * True when a GET/HEAD may be answered 304 Not Modified. If-None-Match wins
 * over If-Modified-Since when both are present (weak comparison, `*` matches).
 */
export function isNotModified(headers: IncomingHttpHeaders, etag: string, stats: Stats): boolean {
  const ifNoneMatch = headers['if-none-match'];
  if (ifNoneMatch !== undefined) {
    return listTags(ifNoneMatch).some((tag) => tag === '*' || opaqueTag(tag) === opaqueTag(etag));
  }
  const ifModifiedSince = headers['if-modified-since'];
  if (ifModifiedSince !== undefined) {
    const since = Date.parse(ifModifiedSince);
    if (Number.isNaN(since)) return false;
    return wholeSeconds(stats.mtimeMs) <= wholeSeconds(since);
  }
  return false;
}

/**
 * True when a Range header may be honoured: no If-Range, or If-Range names
 * the current representation (strong ETag comparison, or the exact
 * Last-Modified date). Otherwise the whole file is sent.
 */
export function rangeStillValid(headers: IncomingHttpHeaders, etag: string, stats: Stats): boolean {
  const ifRange = headers['if-range'];
  if (ifRange === undefined) return true;
  // Repeated If-Range headers are malformed: play safe and send everything.
  if (typeof ifRange !== 'string') return false;
  const value = ifRange.trim();
  if (value.startsWith('"') || value.startsWith('W/')) return value === etag;
  const date = Date.parse(value);
  return !Number.isNaN(date) && wholeSeconds(date) === wholeSeconds(stats.mtimeMs);
}
