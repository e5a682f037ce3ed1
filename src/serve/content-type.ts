/**
 * Content types of the files a boot tree holds. iPXE scripts must be
 * text/plain (iPXE itself does not care, but browsers and proxies do);
 * kernels, initramfs and root images are opaque bytes.
 */
import { basename, extname } from 'node:path';

const BY_EXTENSION: Readonly<Record<string, string>> = {
  '.ipxe': 'text/plain; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.cfg': 'text/plain; charset=utf-8',
  '.conf': 'text/plain; charset=utf-8',
  '.sh': 'text/plain; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.yml': 'application/yaml',
  '.yaml': 'application/yaml',
  '.xml': 'application/xml',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/vnd.microsoft.icon',
  '.img': 'application/octet-stream',
  '.squashfs': 'application/octet-stream',
  '.iso': 'application/octet-stream',
  '.efi': 'application/octet-stream',
  '.kpxe': 'application/octet-stream',
  '.pxe': 'application/octet-stream',
  '.gz': 'application/gzip',
  '.xz': 'application/x-xz',
  '.zst': 'application/zstd',
};

/** The fallback: kernels (`vmlinuz-*`), initramfs images and unknown files. */
export const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

/**
 * Content-Type for a file name. Kernel and initramfs files carry their
 * version in the name (`vmlinuz-6.1.0-18-amd64`, `initramfs-6.1.0.img`), so
 * their "extension" is meaningless and they are matched by prefix first.
 */
export function contentTypeFor(filePath: string): string {
  const name = basename(filePath).toLowerCase();
  if (/^(vmlinuz|initramfs|initrd)/.test(name)) return DEFAULT_CONTENT_TYPE;
  return BY_EXTENSION[extname(name)] ?? DEFAULT_CONTENT_TYPE;
}

/** Extension → type table, for renderers of nginx/Apache configuration. */
export function knownContentTypes(): ReadonlyArray<readonly [extension: string, type: string]> {
  return Object.entries(BY_EXTENSION);
}
