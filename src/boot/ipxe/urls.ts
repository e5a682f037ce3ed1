/**
 * URL paths the iPXE scripts point to. The host is always `${next-server}`,
 * which iPXE fills in on the node with the server it booted from.
 */
import type { Paths } from '../../core/paths.js';
import { BOOT_FILE } from '../../core/image/image.js';
import { ipxeWord } from './quote.js';

/** URL paths (from the HTTP document root) of this installation, checked as iPXE words. */
export interface BootUrls {
  /** e.g. `/preboot_execution_environment/diskless/images` */
  imagesPath: string;
  /** e.g. `/preboot_execution_environment/diskless/nodes` */
  nodesPath: string;
  /** e.g. `/preboot_execution_environment/diskless/kernels` */
  kernelsPath: string;
}

/**
 * URL paths of this installation (they come from the config).
 * @throws UsageError `E_IPXE_VALUE` when a path could not stand in a script.
 */
export function bootUrls(paths: Paths): BootUrls {
  return {
    imagesPath: ipxeWord(paths.urlPath('imagesDir'), 'images URL path'),
    nodesPath: ipxeWord(paths.urlPath('bootNodesDir'), 'node scripts URL path'),
    kernelsPath: ipxeWord(paths.urlPath('kernelsDir'), 'kernels URL path'),
  };
}

/** URL of the kernels folder. */
export function kernelsUrl(urls: BootUrls): string {
  return `http://\${next-server}${urls.kernelsPath}`;
}

/** URL of a file in an image's folder (`image` must be a checked word). */
export function imageFileUrl(urls: BootUrls, image: string, file: string): string {
  return `http://\${next-server}${urls.imagesPath}/${image}/${file}`;
}

/** URL of an image's boot file. */
export function imageBootUrl(urls: BootUrls, image: string): string {
  return imageFileUrl(urls, image, BOOT_FILE);
}
