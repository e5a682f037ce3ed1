/** The iPXE script of one node: names its image, then hands over to the image's own boot file. */
import { ipxeArguments, ipxeWord } from './quote.js';
import { imageOfReference } from '../../core/names.js';
import { versionBootFile } from '../../core/image/versions.js';
import { imageBootUrl, imageFileUrl, NODE_VARIABLE, nodeQuery, OVERLAY_ARGUMENT_VARIABLE, OVERLAY_INITRD, OVERLAY_VARIABLE, overlayUrl, type BootUrls } from './urls.js';

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
 * file loads as an extra initrd.
 * @throws UsageError `E_IPXE_VALUE` when the node or image name or a kernel argument could not stand in a script.
 */
export function nodeScript(urls: BootUrls, node: string, image: string, kernelArgs?: string, overlay = false): string {
  ipxeWord(node, 'node name');
  ipxeWord(image, 'image name');
  const name = imageOfReference(image);
  // A node pinned to a version (`NAME@VERSION`) chains to that version's own boot file, whose files never change.
  const bootUrl = name === image ? imageBootUrl(urls, image) : imageFileUrl(urls, name, versionBootFile(image.slice(name.length + 1)));
  const args = kernelArgs === undefined ? '' : ipxeArguments(kernelArgs, `kernel arguments of node ${node}`);
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
