import type { CommandSpec } from '../../command.js';
import { renderTree } from '../../render.js';

export const imageShow: CommandSpec = {
  path: ['image', 'show'],
  summary: 'show one image: status, class and attributes (secrets redacted)',
  example: 'image show compute-el9',
  args: [{ name: 'NAME', required: true, completes: 'image' }],
  async run({ services }, { args }) {
    const summary = await services.images.status(String(args.NAME));
    const lines = [`${summary.name}: ${summary.status}${summary.image_class ? ` (${summary.image_class})` : ''}`];
    if (summary.pid) lines.push(`  creator pid: ${summary.pid}`);
    if (summary.reason) lines.push(`  damaged: ${summary.reason}`);
    if (summary.attributes) lines.push(...renderTree(summary.attributes, '  '));
    return { data: summary, text: lines.join('\n') };
  },
};
