/** The iPXE script of one node: names its image, then hands over to the image's own boot file. */
import { ipxeArguments, ipxeWord } from './quote.js';
import { imageOfReference } from '../../core/names.js';
import { versionBootFile } from '../../core/image/versions.js';
import { imageBootUrl, imageFileUrl, NODE_VARIABLE, nodeQuery, OVERLAY_ARGUMENT_VARIABLE, OVERLAY_INITRD, OVERLAY_VARIABLE, overlayUrl, type BootUrls } from './urls.js';
import { chainLines, onServer, OVERLAY_PATH_VARIABLE, serverListLines, serversKernelArgument } from './failover.js';

/**
 * iPXE variable holding the node's own kernel arguments (its effective
 * `kernelArgs`): the node script sets it, and the livenet and NFS boot files
 * end their kernel line with it, so the node's arguments come last and win
 * over the site's. Unset (reached through the menu or a site chain), it expands to nothing.
 */
export const KERNEL_ARGS_VARIABLE = 'diskless-kernel-args';

/**
 * Text of `nodes/<node>.ipxe`. `kernelArgs`, the node's effective kernel
 * arguments, are checked word by word by the one quoting rule ({@link ipxeArguments}).
 * With `overlay`, it names the node's overlay archive, which the image's boot
 * file loads as an extra initrd. With `servers` (base URLs, in order of
 * preference), every fetch falls back from one server to the next (see
 * failover.ts) and the kernel command line lists them; without, the script
 * is the single-server one, fetching from `${next-server}`.
 * @throws UsageError `E_IPXE_VALUE` when the node or image name or a kernel argument could not stand in a script.
 */
export function nodeScript(urls: BootUrls, node: string, image: string, kernelArgs?: string, overlay = false, servers: readonly string[] = []): string {
  ipxeWord(node, 'node name');
  ipxeWord(image, 'image name');
  const name = imageOfReference(image);
  // A node pinned to a version (`NAME@VERSION`) chains to that version's own boot file, whose files never change.
  const bootUrl = name === image ? imageBootUrl(urls, image) : imageFileUrl(urls, name, versionBootFile(image.slice(name.length + 1)));
  const args = kernelArgs === undefined ? '' : ipxeArguments(kernelArgs, `kernel arguments of node ${node}`);
  if (servers.length > 0) return failoverNodeScript(urls, node, image, bootUrl, args, overlay, servers);
  return [
    '#!ipxe',
    `# Written by disklessset: node ${node} boots image ${image}. Change it with \`disklessset boot set\`.`,
    `set diskless-image ${image}`,
    // The image's boot file adds this name to the URLs it fetches (what the node booted is recorded by it).
    `set ${NODE_VARIABLE} ${node}`,
    ...(overlay ? [
      '# Its own files (disklessset overlay build), loaded by the image boot file after the initramfs.',
      `set ${OVERLAY_VARIABLE} ${overlayUrl(urls, node)}${nodeQuery(node)}`,
      `set ${OVERLAY_ARGUMENT_VARIABLE} initrd=${OVERLAY_INITRD}`,
    ] : [
      // A variable left by an earlier script (a chain back to the menu) must not load another node's files.
      `clear ${OVERLAY_VARIABLE}`,
      `clear ${OVERLAY_ARGUMENT_VARIABLE}`,
    ]),
    // Cleared too without any: a chain back to the menu must not carry another node's arguments.
    args === '' ? `clear ${KERNEL_ARGS_VARIABLE}` : `set ${KERNEL_ARGS_VARIABLE} ${args}`,
    `chain ${bootUrl}${nodeQuery(node)}`,
    '',
  ].join('\n');
}

/** {@link nodeScript} of a node that names boot servers (`args` already checked; `bootUrl` the image's or its pinned version's boot file). */
function failoverNodeScript(urls: BootUrls, node: string, image: string, bootUrl: string, args: string, overlay: boolean, servers: readonly string[]): string {
  const overlayPath = `${onServer(overlayUrl(urls, node), '')}${nodeQuery(node)}`;
  const bootFile = `${bootUrl}${nodeQuery(node)}`;
  const nodeArgs = [serversKernelArgument(servers), args].filter((part) => part !== '').join(' ');
  return [
    '#!ipxe',
    `# Written by disklessset: node ${node} boots image ${image}. Change it with \`disklessset boot set\`.`,
    `set diskless-image ${image}`,
    `set ${NODE_VARIABLE} ${node}`,
    ...serverListLines(servers),
    ...(overlay ? [
      '# Its own files (disklessset overlay build): the image boot file fetches them from the first server that answers.',
      `set ${OVERLAY_VARIABLE} ${servers[0]}${overlayPath}`,
      `set ${OVERLAY_PATH_VARIABLE} ${overlayPath}`,
      `set ${OVERLAY_ARGUMENT_VARIABLE} initrd=${OVERLAY_INITRD}`,
    ] : [
      `clear ${OVERLAY_VARIABLE}`,
      `clear ${OVERLAY_PATH_VARIABLE}`,
      `clear ${OVERLAY_ARGUMENT_VARIABLE}`,
    ]),
    // The server list comes first, the node's own arguments last, so they still win.
    `set ${KERNEL_ARGS_VARIABLE} ${nodeArgs}`,
    ...chainLines(servers, (base) => onServer(bootFile, base)),
    '',
  ].join('\n');
}
