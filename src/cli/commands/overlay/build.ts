import type { CommandSpec } from '../../command.js';

export const overlayBuild: CommandSpec = {
  path: ['overlay', 'build'],
  summary: 'render the overlays of the nodes of NODESET (default: every node booting an image) and publish each archive whose bytes differ from the one served; the others are kept',
  example: "overlay build 'c[001-010]'",
  args: [{ name: 'NODESET', required: false, completes: 'nodes' }],
  async run({ services }, { args }) {
    const delivery = services.overlayDelivery;
    const nodeSet = args.NODESET === undefined ? undefined : String(args.NODESET);
    // Checks every archive against a fresh render: the command an administrator runs to make the served archives right.
    const result = await delivery.build(nodeSet, { verify: true });
    const text = result.nodeCount === 0 && result.removed === 0 ? 'no node boots an image: no overlay to build'
      : `overlays of ${result.nodeCount} node(s): ${result.written} written, ${result.unchanged} unchanged, ${result.removed} removed`;
    return {
      data: { nodes: result.nodes, nodeCount: result.nodeCount, written: result.written, unchanged: result.unchanged, removed: result.removed, openSecrets: result.openSecrets || null },
      // The delivery tells the open secrets itself (once, with the tool's prefix), as it does after every change.
      text,
    };
  },
};
