/**
 * What image classes get from the tool: locations, configuration, the
 * installations registry and the kernel manager. One context per process.
 */
import type { DisklessConfig } from '../config.js';
import type { Paths } from '../paths.js';
import type { InstallationsRegistry } from '../state/installations.js';
import type { KernelManager } from '../kernel/kernel-manager.js';

/** Shared services handed to image classes. */
export interface ImageContext {
  readonly paths: Paths;
  readonly config: DisklessConfig;
  readonly installations: InstallationsRegistry;
  readonly kernels: KernelManager;
}
