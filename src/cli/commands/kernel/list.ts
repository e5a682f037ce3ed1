import type { CommandSpec } from '../../command.js';
import { renderColumns } from '../../render.js';
import { kernelAnswer } from '../../kernel-answer.js';

export const kernelList: CommandSpec = {
  path: ['kernel', 'list'],
  summary: 'list kernels and whether their initramfs is present',
  example: 'kernel list',
  async run({ services }) {
    const kernels = await services.kernels.list();
    const text = kernels.length === 0 ? `No kernels in ${services.paths.kernelsDir}.`
      : renderColumns(['KERNEL', 'INITRAMFS'], kernels.map((k) => [k.kernel, k.initramfs_present ? 'initramfs present' : `missing ${k.initramfs}`]));
    return { data: kernels.map(kernelAnswer), text };
  },
};
