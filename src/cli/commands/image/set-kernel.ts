import type { CommandSpec } from '../../command.js';
import { showImageState } from '../../../modules/image-state.js';

export const imageSetKernel: CommandSpec = {
  path: ['image', 'set-kernel'],
  summary: "change an image's kernel (rewrites its boot file and data)",
  args: [{ name: 'NAME', required: true }, { name: 'KERNEL', required: true }],
  async run({ services }, { args }) {
    const image = await services.images.setKernel(String(args.NAME), String(args.KERNEL));
    return { text: `image ${image.name} now boots ${image.data.kernel}`, data: await showImageState(services, image.name) };
  },
};
