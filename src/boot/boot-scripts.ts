/**
 * Text of the iPXE scripts the boot layer writes: one per node, chaining to
 * its image's `boot.ipxe`, and the entry script every node starts with.
 * Pure functions: callers decide where the text goes.
 */

/** URL paths (from the HTTP document root) the scripts point to. */
export interface BootUrls {
  /** e.g. `/preboot_execution_environment/diskless/images` */
  imagesPath: string;
  /** e.g. `/preboot_execution_environment/diskless/nodes` */
  nodesPath: string;
}

/** One image offered in the fallback menu. */
export interface MenuImage {
  name: string;
  imageClass: string;
}

/** URL of an image's boot file; `${next-server}` is filled in by iPXE on the node. */
export function imageBootUrl(urls: BootUrls, image: string): string {
  return `http://\${next-server}${urls.imagesPath}/${image}/boot.ipxe`;
}

/** Script of one node: names the image, then hands over to the image's own boot file. */
export function nodeScript(urls: BootUrls, node: string, image: string): string {
  return [
    '#!ipxe',
    `# Written by disklessset: node ${node} boots image ${image}. Change it with \`disklessset boot set\`.`,
    `set diskless-image ${image}`,
    `chain ${imageBootUrl(urls, image)}`,
    '',
  ].join('\n');
}

/**
 * The entry script (`diskless/boot.ipxe`): the node's own file by host name,
 * else a file named after its MAC (`aa-bb-cc-dd-ee-ff.ipxe`), else a menu of
 * the images that can boot. A missing file makes `chain` fail, which moves on
 * to the next step instead of stopping the boot.
 */
export function entryScript(urls: BootUrls, images: readonly MenuImage[]): string {
  const nodes = `http://\${next-server}${urls.nodesPath}`;
  const lines = [
    '#!ipxe',
    '# Entry script written by disklessset; regenerated when images or boot assignments change.',
    ':start',
    'isset ${hostname} || goto by_mac',
    `chain --autofree ${nodes}/\${hostname}.ipxe || goto by_mac`,
    ':by_mac',
    `chain --autofree ${nodes}/\${mac:hexhyp}.ipxe || goto menu`,
    ':menu',
    'menu Diskless images: no assignment for ${hostname} (${mac})',
    'item --gap -- Images',
  ];
  // Labels are numbered: image names may hold characters iPXE labels should not.
  images.forEach((image, index) => lines.push(`item image${index} ${image.name} (${image.imageClass})`));
  if (images.length === 0) lines.push('item --gap -- (no image is ready to boot)');
  lines.push(
    'item --gap -- Other',
    'item retry Look for an assignment again',
    'item shell iPXE shell',
    'item local Exit and boot the next device',
    'choose --default local --timeout 60000 target || goto local',
    'goto ${target}',
  );
  images.forEach((image, index) => lines.push(`:image${index}`, `chain ${imageBootUrl(urls, image.name)} || goto menu`));
  lines.push(':retry', 'goto start', ':shell', 'shell', 'goto menu', ':local', 'exit', '');
  return lines.join('\n');
}
