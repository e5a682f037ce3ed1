/**
 * The entry script (`diskless/boot.ipxe`) every node starts with, ending in
 * the iPXE menu of the images that can boot (this is what the node shows,
 * not the terminal menu of `disklessset menu`).
 */
import { ipxeText, ipxeWord } from './quote.js';
import { imageBootUrl, NODE_VARIABLE, nodeQuery, type BootUrls } from './urls.js';

/** One image offered in the menu. */
export interface MenuImage {
  name: string;
  /** Shown beside the name; text from the image's data. */
  imageClass: string;
}

/**
 * Text of the entry script: the node's own file by host name, else a file
 * named after its MAC (`aa-bb-cc-dd-ee-ff.ipxe`), else a menu of `images`. A
 * missing file makes `chain` fail, which moves on to the next step instead
 * of stopping the boot.
 * @throws UsageError `E_IPXE_VALUE` when an image name could not stand in a script.
 */
export function entryScript(urls: BootUrls, images: readonly MenuImage[]): string {
  const nodes = `http://\${next-server}${urls.nodesPath}`;
  const lines = [
    '#!ipxe',
    '# Entry script written by disklessset; regenerated when images or boot assignments change.',
    // Names the node in every URL fetched from here on (empty without a host name: the MAC still identifies it).
    `set ${NODE_VARIABLE} \${hostname}`,
    ':start',
    'isset ${hostname} || goto by_mac',
    `chain --autofree ${nodes}/\${hostname}.ipxe${nodeQuery()} || goto by_mac`,
    ':by_mac',
    `chain --autofree ${nodes}/\${mac:hexhyp}.ipxe${nodeQuery()} || goto menu`,
    ':menu',
    'menu Diskless images: no assignment for ${hostname} (${mac})',
    'item --gap -- Images',
  ];
  // Labels are numbered: image names may hold characters iPXE labels should not.
  images.forEach((image, index) => {
    lines.push(`item image${index} ${ipxeWord(image.name, 'image name')} (${ipxeText(image.imageClass)})`);
  });
  if (images.length === 0) lines.push('item --gap -- (no image is ready to boot)');
  lines.push(
    'item --gap -- Other',
    'item retry Look for an assignment again',
    'item shell iPXE shell',
    'item local Exit and boot the next device',
    'choose --default local --timeout 60000 target || goto local',
    'goto ${target}',
  );
  images.forEach((image, index) => lines.push(`:image${index}`, `chain ${imageBootUrl(urls, image.name)}${nodeQuery()} || goto menu`));
  lines.push(':retry', 'goto start', ':shell', 'shell', 'goto menu', ':local', 'exit', '');
  return lines.join('\n');
}
