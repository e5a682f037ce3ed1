import { checkDracutArgs } from '../../../system/dracut-args.js';
import { validateKernelName } from '../../../core/names.js';
import type { CommandSpec } from '../../command.js';
import { kernelAnswer } from '../../kernel-answer.js';

/** commander reads `--no-X` as X negated: the value is false when the flag was given. */
function overlayModuleRefused(value: unknown): boolean {
  return value === false;
}

export const kernelInitramfs: CommandSpec = {
  path: ['kernel', 'initramfs'],
  summary: 'generate the initramfs of a kernel with dracut (on this host, or inside an OS tree with --chroot)',
  example: 'kernel initramfs vmlinuz-6.1.0-9-amd64 --chroot /srv/trees/el9',
  args: [{ name: 'KERNEL', required: true, completes: 'kernel' }],
  options: [
    { name: 'chroot', type: 'string', description: 'run dracut inside this OS tree, so modules match its kernel', valueName: 'TREE' },
    { name: 'dracut-arg', type: 'string', repeatable: true, description: 'extra dracut argument (repeatable)', valueName: 'ARG' },
    { name: 'no-overlay-module', type: 'boolean', description: 'leave out the diskless-overlay dracut module (nodes booted with it get no per-node overlay)' },
    { name: 'full', type: 'boolean', description: 'pack every driver of the kernel, xz (the original tool\'s initramfs, about twice the size), instead of what a diskless node needs, zstd' },
  ],
  async run({ services, io }, { args, options }) {
    // Bad input is refused before anything is printed.
    const kernel = validateKernelName(String(args.KERNEL));
    const extraArgs = (options['dracut-arg'] as string[] | undefined) ?? [];
    checkDracutArgs(extraArgs, '--dracut-arg');
    const chroot = options.chroot as string | undefined;
    if (chroot !== undefined) await services.kernels.checkChroot(chroot);
    io.progress({ type: 'step', step: `dracut for ${kernel}`, index: 1, total: 1 });
    const result = await services.kernels.generateInitramfs(kernel, {
      chroot,
      extraArgs,
      overlayModule: !overlayModuleRefused(options['no-overlay-module']),
      profile: options.full === true ? 'full' : 'node',
      progress: io.progress,
      signal: io.signal,
    });
    const warnings = result.skippedModules.length
      ? [`dracut modules not available here and skipped: ${result.skippedModules.join(', ')}`] : [];
    if (!result.fetchModule) {
      warnings.push(`no aria2c ${chroot ? 'in the tree' : 'on this host'}: the initramfs was built without the diskless-fetch module `
        + '(no boot server failover nor peer-to-peer for the root image); install aria2 to add it');
    }
    if (result.compression !== result.requestedCompression && result.compression !== 'unknown') {
      // dracut fell back by itself: the tree lacks the compressor, or its kernel cannot unpack that format.
      warnings.push(`dracut packed the initramfs with ${result.compression}, not ${result.requestedCompression}: `
        + `install ${result.requestedCompression === 'xz' ? 'xz-utils (EL: xz)' : result.requestedCompression} ${chroot ? 'in the tree' : 'on this host'} for a smaller one`);
    }
    const made = `${result.profile === 'full' ? 'every driver' : 'node drivers'}, ${result.compression}, ${(result.bytes / 1024 / 1024).toFixed(1)} MiB`;
    return {
      data: { ...kernelAnswer(result), skippedModules: result.skippedModules, fetchModule: result.fetchModule, profile: result.profile, compression: result.compression, sizeBytes: result.bytes },
      warnings,
      text: `initramfs ${result.initramfs} generated for ${kernel} (${made})`,
    };
  },
};
