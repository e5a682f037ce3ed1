import { UsageError } from '../../../errors/index.js';
import type { CommandSpec } from '../../command.js';
import { requireConfirmation } from '../../../modules/confirm.js';
import { unassignedReport } from './unassigned.js';

export const imageClean: CommandSpec = {
  path: ['image', 'clean'],
  summary: 'clear a corrupted (or created) image without loading it; --all-corrupted clears every corrupted one',
  example: 'image clean --all-corrupted',
  args: [{ name: 'NAME', completes: 'image' }],
  options: [
    { name: 'all-corrupted', type: 'boolean', description: 'clean every CORRUPTED image' },
    { name: 'force', type: 'boolean', description: 'clean even an image that nodes boot, or a DAMAGED one' },
  ],
  async run(context, { args, options }) {
    const { images } = context.services;
    if (options['all-corrupted']) {
      if (args.NAME) throw new UsageError('E_USAGE', 'give either NAME or --all-corrupted, not both', 'drop one of them');
      const corrupted = (await images.list()).filter((i) => i.status === 'CORRUPTED').map((i) => i.name);
      if (corrupted.length > 0) await requireConfirmation(context, `clean ${corrupted.length} corrupted image(s): ${corrupted.join(', ')}`);
      const unassigned: string[] = [];
      for (const name of corrupted) unassigned.push(...(await images.clean(name)).unassigned);
      const report = unassignedReport(unassigned);
      return { text: corrupted.length ? `cleaned: ${corrupted.join(', ')}${report.text}` : 'no corrupted image', data: { cleaned: corrupted, ...report.data } };
    }
    if (!args.NAME) throw new UsageError('E_USAGE', 'image clean needs NAME or --all-corrupted', 'see `disklessset image clean --help`');
    const name = String(args.NAME);
    const summary = await images.status(name);
    await requireConfirmation(context, `clean ${summary.status} image ${name}`);
    const report = unassignedReport((await images.clean(name, { force: options.force === true })).unassigned);
    return { text: `image ${name} cleaned${report.text}`, data: { cleaned: [name], ...report.data } };
  },
};
