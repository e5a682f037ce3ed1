import { listBoot } from '../../../boot/index.js';
import type { CommandSpec } from '../../command.js';

export const bootList: CommandSpec = {
  path: ['boot', 'list'],
  summary: 'list boot assignments: each image with the (folded) node set booting it',
  example: 'boot list --json',
  async run({ services }) {
    const assignments = await listBoot(services);
    const width = Math.max(5, ...assignments.map((a) => a.image.length));
    const text = assignments.length === 0 ? 'No boot assignments.'
      : [`${'IMAGE'.padEnd(width)}  COUNT  NODES`,
        ...assignments.map((a) => `${a.image.padEnd(width)}  ${String(a.count).padStart(5)}  ${a.nodes}`)].join('\n');
    return { data: assignments.map((a) => ({ image: a.image, nodes: a.nodes, nodeCount: a.count })), text };
  },
};
