import type { CommandSpec } from '../../command.js';
import { showImageState } from '../../../modules/image-state.js';
import { rebuildText } from '../../../modules/version-text.js';

export const imageRebuild: CommandSpec = {
  path: ['image', 'rebuild'],
  summary: 'rebuild an image from the recipe it keeps (nodes keep booting the old one until the new one is ready)',
  example: 'image rebuild compute-el9',
  args: [{ name: 'NAME', required: true, completes: 'image' }],
  async run({ services, io }, { args }) {
    const name = String(args.NAME);
    const { warnings, unchanged, version } = await services.images.rebuild(name, { progress: io.progress, signal: io.signal });
    return { text: rebuildText(name, { unchanged, version }), data: { ...await showImageState(services, name), unchanged: unchanged === true }, warnings };
  },
};
