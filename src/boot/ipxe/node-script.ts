/** The iPXE script of one node: names its image, then hands over to the image's own boot file. */
import { ipxeWord } from './quote.js';
import { imageBootUrl, type BootUrls } from './urls.js';

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
    `chain ${imageBootUrl(urls, image)}`,
    '',
  ].join('\n');
}
