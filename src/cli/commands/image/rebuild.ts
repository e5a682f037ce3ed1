import type { CommandSpec } from '../../command.js';
import { showImageState } from '../../../modules/image-state.js';

export const imageRebuild: CommandSpec = {
  path: ['image', 'rebuild'],
  summary: 'rebuild an image from the recipe it keeps (nodes keep booting the old one until the new one is ready)',
  example: 'image rebuild compute-el9',
  args: [{ name: 'NAME', required: true, completes: 'image' }],
  async run({ services, io }, { args }) {
    const name = String(args.NAME);
    const { warnings } = await services.images.rebuild(name, { progress: io.progress, signal: io.signal });
    return { text: `image ${name} rebuilt`, data: await showImageState(services, name), warnings };
  },
};
