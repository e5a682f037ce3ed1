/**
 * Whether a `p2p` choice has an effect: only images whose class fetches its
 * root image peer-to-peer (livenet) read the kernel argument `diskless.p2p`.
 * On another image the choice is kept (a later image change may use it), and
 * `node`/`profile` add and set say so in one warning line.
 */
import type { CoreServices } from '../core-services.js';
import { imageOfReference } from '../names.js';

/** Where the `p2p` choice was made: nodes of a node set, or a profile (and the nodes listing it). */
export type P2pScope = { nodeSet: string } | { profile: string };

/**
 * The warning for the images that the nodes of `scope` boot with `p2p`
 * true but that no peer-to-peer fetch reads; undefined when there are none.
 */
export async function p2pWithoutEffect(services: CoreServices, scope: P2pScope): Promise<string | undefined> {
  const images = new Set<string>();
  const nodes = await services.inventory.effectiveNodes('nodeSet' in scope ? scope.nodeSet : undefined);
  for (const node of nodes) {
    if ('profile' in scope && !node.profiles.includes(scope.profile)) continue;
    if (node.attributes.p2p === true && node.attributes.image !== undefined) images.add(imageOfReference(node.attributes.image));
  }
  if ('profile' in scope) {
    const profile = (await services.inventory.read()).profiles[scope.profile];
    if (profile?.p2p === true && profile.image !== undefined) images.add(imageOfReference(profile.image));
  }
  if (images.size === 0) return undefined;
  const summaries = await services.images.list();
  const others = [...images].sort().filter((name) => {
    const className = summaries.find((summary) => summary.name === name)?.image_class;
    return className === undefined || services.images.imageClass(className)?.peerToPeer !== true;
  });
  if (others.length === 0) return undefined;
  return `p2p applies to livenet images only: ${others.join(', ')} ${others.length === 1 ? 'is not one' : 'are not'}, so ${others.length === 1 ? 'its' : 'their'} nodes fetch the root over their usual path (give a livenet image with --image, or --no-p2p)`;
}
