/** `disklessset node add|set|remove`: the nodes of the inventory (thin layer over core/nodes/node-operations.ts). */
import { addNodes, changeNodes } from '../../../core/nodes/node-operations.js';
import { p2pWithoutEffect } from '../../../core/nodes/p2p-check.js';
import { withNodeRoots } from '../../../boot/index.js';
import type { CommandSpec } from '../../command.js';
import { countNodes } from '../../../nodeset/index.js';
import { ATTRIBUTE_OPTIONS, CREATE_TREE_OPTION, PROFILE_OPTION, UNSET_OPTIONS, attributesFromOptions, changesFromOptions } from './node-options.js';

function count(folded: string, nodes: number): string {
  return `${folded} (${countNodes(nodes)})`;
}

export const nodeAdd: CommandSpec = {
  path: ['node', 'add'],
  summary: 'add the nodes of NODESET to the inventory, with profiles and attributes',
  example: "node add 'c[001-100]' --profile compute --var rack=a1",
  args: [{ name: 'NODESET', required: true, completes: 'nodes' }],
  options: [PROFILE_OPTION, ...ATTRIBUTE_OPTIONS, CREATE_TREE_OPTION],
  async run({ services, io }, { args, options }) {
    const entry = attributesFromOptions(options, true);
    const result = await withNodeRoots(services, options['create-tree'] === true, () => addNodes(services, String(args.NODESET), entry), io);
    const warning = options.p2p === true ? await p2pWithoutEffect(services, { nodeSet: String(args.NODESET) }) : undefined;
    return { data: result, text: `added ${count(result.nodes, result.nodeCount)}`, warnings: warning ? [warning] : [] };
  },
};

export const nodeSet: CommandSpec = {
  path: ['node', 'set'],
  summary: 'change attributes or profiles of the nodes of NODESET (all or none)',
  example: 'node set c042 --image compute-test',
  args: [{ name: 'NODESET', required: true, completes: 'nodes' }],
  options: [PROFILE_OPTION, ...ATTRIBUTE_OPTIONS, ...UNSET_OPTIONS, CREATE_TREE_OPTION],
  async run({ services, io }, { args, options }) {
    const changes = changesFromOptions(options, true);
    const result = await withNodeRoots(services, options['create-tree'] === true, () => changeNodes(services, String(args.NODESET), changes), io);
    const warning = options.p2p === true ? await p2pWithoutEffect(services, { nodeSet: String(args.NODESET) }) : undefined;
    return { data: result, text: `changed ${count(result.nodes, result.nodeCount)}`, warnings: warning ? [warning] : [] };
  },
};

export const nodeRemove: CommandSpec = {
  path: ['node', 'remove'],
  summary: 'remove the nodes of NODESET from the inventory',
  example: "node remove 'c[090-100]'",
  args: [{ name: 'NODESET', required: true, completes: 'nodes' }],
  async run({ services }, { args }) {
    const result = await services.inventory.removeNodes(String(args.NODESET));
    return { data: result, text: `removed ${count(result.nodes, result.nodeCount)}` };
  },
};
