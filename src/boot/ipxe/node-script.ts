/** The iPXE script of one node: names its image, then hands over to the image's own boot file. */
import { ipxeWord } from './quote.js';
import { imageBootUrl, NODE_VARIABLE, nodeQuery, type BootUrls } from './urls.js';

/**
 * Text of `nodes/<node>.ipxe`.
 * @throws UsageError `E_IPXE_VALUE` when the node or image name could not stand in a script.
 */
export function nodeScript(urls: BootUrls, node: string, image: string): string {
  ipxeWord(node, 'node name');
  ipxeWord(image, 'image name');
  return [
    '#!ipxe',
    `# Written by disklessset: node ${node} boots image ${image}. Change it with \`disklessset boot set\`.`,
    `set diskless-image ${image}`,
    // The image's boot file adds this name to the URLs it fetches (what the node booted is recorded by it).
    `set ${NODE_VARIABLE} ${node}`,
    `chain ${imageBootUrl(urls, image)}${nodeQuery(node)}`,
    '',
  ].join('\n');
}
