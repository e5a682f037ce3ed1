import type { CommandSpec } from '../../command.js';
import { requireConfirmation } from '../../../modules/confirm.js';
import { unassignedReport } from './unassigned.js';

export const imageRemove: CommandSpec = {
  path: ['image', 'remove'],
  summary: 'remove an image and every file it owns',
  example: 'image remove old-el8 --force',
  args: [{ name: 'NAME', required: true, completes: 'image' }],
  options: [{ name: 'force', type: 'boolean', description: 'remove even if nodes are assigned to boot it (they are unassigned, and named)' }],
  async run(context, { args, options }) {
    const name = String(args.NAME);
    await context.services.images.status(name);
    await requireConfirmation(context, `remove image ${name}`);
    const report = unassignedReport((await context.services.images.remove(name, { force: options.force === true })).unassigned);
    return { text: `image ${name} removed${report.text}`, data: { name, removed: true, ...report.data } };
  },
};
