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
import type { OverlayService } from './overlays/overlay-service.js';

/** Locations, configuration, registry and managers of one root prefix. */
export interface CoreServices {
  paths: Paths;
  config: DisklessConfig;
  installations: InstallationsRegistry;
  kernels: KernelManager;
  images: ImageManager;
  /** Nodes and profiles (nodes.yml). */
  inventory: NodeInventory;
  /** Per-node overlays: rendering (the delivery side's OverlayRenderer) and the overlay catalogue. */
  overlays: OverlayService;
}
