import type { CommandSpec } from '../../command.js';
import { showImageState } from '../../../modules/image-state.js';
import { renderImageShow } from '../../image-text.js';

export const imageShow: CommandSpec = {
  path: ['image', 'show'],
  summary: 'show one image: status, boot, content and attributes with their units (secrets redacted)',
  example: 'image show compute-el9',
  args: [{ name: 'NAME', required: true, completes: 'image' }],
  async run({ services }, { args }) {
    const image = await showImageState(services, String(args.NAME));
    return { data: image, text: renderImageShow(image) };
  },
};
