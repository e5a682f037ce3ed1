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
  /** e.g. `/preboot_execution_environment/diskless/overlays`: the nodes' overlay archives, beside the node scripts. */
  overlaysPath: string;
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
    overlaysPath: ipxeWord(`${paths.urlPath('bootNodesDir').replace(/\/[^/]*$/, '')}/overlays`, 'overlays URL path'),
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

/**
 * iPXE variable naming the node in image boot files: the node script sets it
 * to its own (literal) name; an image boot file reached another way (menu,
 * site chain) falls back to `${hostname}` (see {@link NODE_VARIABLE_DEFAULT}).
 */
export const NODE_VARIABLE = 'diskless-node';

/** Script line giving {@link NODE_VARIABLE} the host name when nothing set it before. */
export const NODE_VARIABLE_DEFAULT = `isset \${${NODE_VARIABLE}} || set ${NODE_VARIABLE} \${hostname}`;

/**
 * Query string telling the boot server which node asks (`serve` records what
 * each node fetched, see boot/node-status). `node` is a literal, already
 * checked node name when the script is rendered for one node; otherwise the
 * iPXE variable is expanded on the node, URI-encoded (`:uristring`) since a
 * DHCP host name may hold any character. The MAC (`aa-bb-cc-dd-ee-ff`)
 * identifies nodes that have no name yet. The server resolves files without
 * the query, so the URL still names the same file.
 */
export function nodeQuery(node?: string): string {
  const name = node === undefined ? `\${${NODE_VARIABLE}:uristring}` : encodeURIComponent(node);
  return `?node=${name}&mac=\${mac:hexhyp}`;
}

/** URL of a node's overlay archive (`node` a checked word). */
export function overlayUrl(urls: BootUrls, node: string): string {
  return `http://\${next-server}${urls.overlaysPath}/${node}.img`;
}

/**
 * iPXE variables a node script sets when its node has an overlay archive: the
 * archive's URL, and the kernel argument naming it (UEFI kernels load the
 * initrds the command line names). Image boot files load the archive after
 * the image's initramfs when the first is set (see {@link OVERLAY_LINES}).
 */
export const OVERLAY_VARIABLE = 'diskless-overlay';
export const OVERLAY_ARGUMENT_VARIABLE = 'diskless-overlay-arg';
/** The initrd name of the overlay archive (`initrd=overlay` on the kernel command line). */
export const OVERLAY_INITRD = 'overlay';

/**
 * Lines of an image boot file, after the image's initramfs is loaded: the
 * node's overlay archive as a second initrd, when its node script named one.
 * A failed download (an archive refused to this address, a missing one)
 * stops the boot with a message rather than booting the node without its
 * identity and host keys.
 */
export const OVERLAY_LINES: readonly string[] = [
  `isset \${${OVERLAY_VARIABLE}} || goto overlay_done`,
  `initrd --name ${OVERLAY_INITRD} \${${OVERLAY_VARIABLE}} || goto overlay_failed`,
  'goto overlay_done',
  ':overlay_failed',
  // No quote or backquote: plain words read the same in every iPXE version.
  `echo Could not fetch the overlay of this node, \${${OVERLAY_VARIABLE}}: run disklessset overlay build on the server and read its log.`,
  'prompt --timeout 30000 Press a key to return || exit 1',
  'exit 1',
  ':overlay_done',
];
