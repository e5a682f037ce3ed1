/** The iPXE script of one node: names its image, then hands over to the image's own boot file. */
import { ipxeWord } from './quote.js';
import { imageBootUrl, NODE_VARIABLE, nodeQuery, OVERLAY_ARGUMENT_VARIABLE, OVERLAY_INITRD, OVERLAY_VARIABLE, overlayUrl, type BootUrls } from './urls.js';

/**
 * Text of `nodes/<node>.ipxe`; with `overlay`, it names the node's overlay
 * archive, which the image's boot file loads as an extra initrd.
 * @throws UsageError `E_IPXE_VALUE` when the node or image name could not stand in a script.
 */
export function nodeScript(urls: BootUrls, node: string, image: string, overlay = false): string {
  ipxeWord(node, 'node name');
  ipxeWord(image, 'image name');
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
    `chain ${imageBootUrl(urls, image)}${nodeQuery(node)}`,
    '',
  ].join('\n');
}
