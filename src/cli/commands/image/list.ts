import type { CommandSpec } from '../../command.js';
import { listImageStates } from '../../../modules/image-state.js';
import { renderImageTable } from '../../image-text.js';

export const imageList: CommandSpec = {
  path: ['image', 'list'],
  summary: 'list images, one row each: name, type, status, kernel, size, build time, nodes booting it',
  example: 'image list --json',
  async run({ services }) {
    const images = await listImageStates(services);
    return { data: images, text: renderImageTable(images) };
  },
};
