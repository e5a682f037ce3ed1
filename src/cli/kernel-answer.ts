/** A kernel in the `--json` answers of the `kernel` commands (camelCase, see docs/json.md). */
import type { KernelInfo } from '../core/kernel/kernel-manager.js';

/** The answer shape of one kernel. */
export interface KernelAnswer {
  /** File name, `vmlinuz-<version>`. */
  kernel: string;
  version: string;
  /** Initramfs file name, `initramfs-kernel-<version>`. */
  initramfs: string;
  initramfsPresent: boolean;
}

/** The `--json` shape of `info` (camelCase keys of the library's snake_case fields). */
export function kernelAnswer(info: KernelInfo): KernelAnswer {
  return { kernel: info.kernel, version: info.version, initramfs: info.initramfs, initramfsPresent: info.initramfs_present };
}
