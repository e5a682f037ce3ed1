/**
 * The managers of one root prefix, as the layers above core see them. The
 * wiring (src/services/) builds one and adds the loaded modules; boot and the
 * image modules only need this narrower view, so they never name the wiring.
 */
import type { DisklessConfig } from './config.js';
import type { Paths } from './paths.js';
import type { InstallationsRegistry } from './state/installations.js';
import type { KernelManager } from './kernel/kernel-manager.js';
import type { ImageManager } from './image/image-manager.js';
import type { NodeInventory } from './nodes/inventory.js';

/** Locations, configuration, registry and managers of one root prefix. */
export interface CoreServices {
  paths: Paths;
  config: DisklessConfig;
  installations: InstallationsRegistry;
  kernels: KernelManager;
  images: ImageManager;
  /** Nodes and profiles (nodes.yml). */
  inventory: NodeInventory;
}
