import type { CommandSpec } from '../../command.js';
import { kernelAnswer } from '../../kernel-answer.js';

export const kernelAdd: CommandSpec = {
  path: ['kernel', 'add'],
  summary: 'copy a kernel file (e.g. /boot/vmlinuz-VERSION) into the kernels folder',
  example: 'kernel add /boot/vmlinuz-6.1.0-9-amd64',
  args: [{ name: 'PATH', required: true }],
  options: [
    { name: 'version', type: 'string', description: 'kernel version when the file name does not say it', valueName: 'VERSION' },
    { name: 'initramfs', type: 'string', description: 'also install this ready-made initramfs', valueName: 'FILE' },
  ],
  async run({ services }, { args, options }) {
    const kernel = await services.kernels.add(String(args.PATH), {
      version: options.version as string | undefined, initramfs: options.initramfs as string | undefined,
    });
    const state = kernel.initramfs_present ? 'initramfs present' : `no initramfs yet: run \`disklessset kernel initramfs ${kernel.kernel}\``;
    return { data: kernelAnswer(kernel), text: `kernel ${kernel.kernel} added (${state})` };
  },
};
