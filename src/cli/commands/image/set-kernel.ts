import type { CommandSpec } from '../../command.js';
import { showImageState } from '../../../modules/image-state.js';

export const imageSetKernel: CommandSpec = {
  path: ['image', 'set-kernel'],
  summary: "change an image's kernel (rewrites its boot file and data)",
  example: 'image set-kernel compute-el9 vmlinuz-6.1.0-9-amd64',
  args: [{ name: 'NAME', required: true, completes: 'image' }, { name: 'KERNEL', required: true, completes: 'kernel' }],
  async run({ services }, { args }) {
    const image = await services.images.setKernel(String(args.NAME), String(args.KERNEL));
    return { text: `image ${image.name} now boots ${image.data.kernel}`, data: await showImageState(services, image.name) };
  },
};
