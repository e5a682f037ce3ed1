import { setBoot, withNodeRoots } from '../../../boot/index.js';
import type { CommandSpec } from '../../command.js';
import { countNodes } from '../../../nodeset/index.js';
import { CREATE_TREE_OPTION } from '../node/node-options.js';

export const bootSet: CommandSpec = {
  path: ['boot', 'set'],
  summary: 'make the nodes of NODESET boot IMAGE (writes their iPXE scripts)',
  example: "boot set 'c[001-060]' compute-el9",
  args: [{ name: 'NODESET', required: true, completes: 'nodes' }, { name: 'IMAGE', required: true, completes: 'image' }],
  options: [CREATE_TREE_OPTION],
  async run({ services, io }, { args, options }) {
    const result = await withNodeRoots(services, options['create-tree'] === true, () => setBoot(services, String(args.NODESET), String(args.IMAGE)), io);
    return { data: { image: result.image, nodes: result.nodes, nodeCount: result.count }, text: `${result.nodes} (${countNodes(result.count)}) now boot${result.count === 1 ? 's' : ''} ${result.image}` };
  },
};
