import { bootOf } from '../../../boot/index.js';
import { namedNodeSet, nodeSetAnswer, type NodeSetAnswer } from '../../../modules/json-answer.js';
import type { CommandSpec } from '../../command.js';
import { renderColumns } from '../../render.js';

/** `--json` answer of `boot show`: the nodes asked, grouped by the image they boot. */
export interface BootShowAnswer extends NodeSetAnswer {
  images: ({ image: string } & NodeSetAnswer)[];
  /** Nodes with no assignment (they get the boot menu). */
  unassignedNodes: string;
  unassignedNodeCount: number;
}

export const bootShow: CommandSpec = {
  path: ['boot', 'show'],
  summary: 'say which image each node of NODESET boots (a dash: none, the node gets the menu)',
  example: "boot show 'c[001-004]'",
  args: [{ name: 'NODESET', required: true, completes: 'nodes' }],
  async run({ services }, { args }) {
    const boots = await bootOf(services, String(args.NODESET));
    const byImage = new Map<string, string[]>();
    const unassigned: string[] = [];
    for (const [node, image] of Object.entries(boots)) {
      if (image === null) unassigned.push(node);
      else {
        const nodes = byImage.get(image);
        if (nodes) nodes.push(node);
        else byImage.set(image, [node]);
      }
    }
    const data: BootShowAnswer = {
      ...nodeSetAnswer(Object.keys(boots)),
      images: [...byImage].sort(([a], [b]) => a.localeCompare(b)).map(([image, nodes]) => ({ image, ...nodeSetAnswer(nodes) })),
      ...namedNodeSet('unassigned', unassigned),
    };
    return { data, text: renderColumns(['NODE', 'IMAGE'], Object.entries(boots)) };
  },
};
