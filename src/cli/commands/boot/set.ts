import { setBoot } from '../../../boot/index.js';
import type { CommandSpec } from '../../command.js';

export const bootSet: CommandSpec = {
  path: ['boot', 'set'],
  summary: 'make the nodes of NODESET boot IMAGE (writes their iPXE scripts)',
  example: "boot set 'c[001-060]' compute-el9",
  args: [{ name: 'NODESET', required: true, completes: 'nodes' }, { name: 'IMAGE', required: true, completes: 'image' }],
  async run({ services }, { args }) {
    const result = await setBoot(services, String(args.NODESET), String(args.IMAGE));
    return { data: { image: result.image, nodes: result.nodes, nodeCount: result.count }, text: `${result.nodes} (${result.count} node${result.count === 1 ? '' : 's'}) now boot${result.count === 1 ? 's' : ''} ${result.image}` };
  },
};
