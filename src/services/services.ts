/**
 * The composition root: reads the config of a root prefix, loads the modules
 * and wires the managers together. CLI and API each open one `Services`.
 */
import { bootInventory } from '../boot/assignment-store.js';
import { resolve } from 'node:path';
import { loadConfig } from '../core/config.js';
import { Paths } from '../core/paths.js';
import { InstallationsRegistry } from '../core/state/installations.js';
import { KernelManager } from '../core/kernel/kernel-manager.js';
import { ImageManager } from '../core/image/image-manager.js';
import type { ImageContext } from '../core/image/context.js';
import type { AnyImageClass } from '../core/image/image.js';
import type { CoreServices } from '../core/core-services.js';
import { loadModules } from '../modules/loader.js';
import type { LoadedModule, ModuleDescriptor } from '../modules/contract.js';
import { installBootGuards } from '../boot/boot-guards.js';
import { repairAfterKill } from '../boot/kill-repair.js';
import { removeDiffLeftovers, removeWorkLeftovers } from '../modules/livenet/work-leftovers.js';
import { createOverlayRenderer, overlayNamesGuard, overlayRenderGuard } from '../core/overlays/index.js';
import { BootScriptPublisher } from '../boot/boot-publisher.js';
import { installOverlayDelivery, type OverlayDelivery } from '../boot/overlays/delivery.js';
import type { OverlayRenderer } from '../core/overlays/rendered.js';

/** Everything the tool needs, for one root prefix: the core managers plus the loaded modules. */
export interface Services extends CoreServices {
  /** Every module found, working or broken. */
  modules: LoadedModule[];
  /** The working modules' descriptors. */
  activeModules: ModuleDescriptor[];
  /** Overlay archives of the nodes (boot/overlays/), rendered by `overlays` unless a test renderer is given. */
  overlayDelivery: OverlayDelivery;
}

/** Options of {@link openServices}. */
export interface OpenOptions {
  /** Root prefix; default `DISKLESS_ROOT` or `/`. */
  root?: string;
  /** Built-in overlays folder (default: the package's `overlays/`). */
  builtinOverlaysDir?: string;
  /**
   * Told one line about each repair or automatic clean done without being
   * asked (leftovers of killed commands, damaged state files). The CLI prints
   * them on stderr; default: dropped.
   */
  onNotice?: (message: string) => void;
  /**
   * Told, instead of `onNotice`, about a start-of-command repair that could
   * not run because a file system is full, or because nodes.yml is damaged:
   * the CLI shows it only if its command then succeeds, since a failing
   * command's own line (E_NO_SPACE, E_INVENTORY_INVALID) already says what to
   * do. Default: `onNotice`.
   */
  onLackOfSpaceNotice?: (message: string) => void;
  /**
   * Repair what a killed command left before returning (default true). The
   * CLI passes false and calls {@link repairServices} once the command line
   * is known to be valid: bad input changes nothing.
   */
  repair?: boolean;
  /** Makes the renderer of node overlays (core/overlays/) for this root; without it, no archive is built. */
  overlayRenderer?: (services: CoreServices) => OverlayRenderer;
}

/** Opens the tool on a root prefix. */
export async function openServices(options: OpenOptions = {}): Promise<Services> {
  const root = resolve(options.root ?? process.env.DISKLESS_ROOT ?? '/');
  const config = await loadConfig(root);
  const paths = new Paths(root, config.paths);
  const installations = new InstallationsRegistry(paths.installationsFile);
  const kernels = new KernelManager(paths, config);
  const context: ImageContext = { paths, config, installations, kernels };
  const modules = await loadModules(paths.modulesDir);
  const activeModules = modules.flatMap((m) => (m.descriptor ? [m.descriptor] : []));
  const classes = new Map<string, AnyImageClass>();
  for (const descriptor of activeModules) for (const c of descriptor.imageClasses) classes.set(c.className, c);
  const images = new ImageManager(context, classes);
  const scripts = new BootScriptPublisher(paths);
  const inventory = bootInventory(paths, scripts);
  const overlays = createOverlayRenderer({ paths, inventory, config, builtinDir: options.builtinOverlaysDir });
  // Every front door (CLI, API, imports) changes nodes through the inventory: the rule lives there once.
  inventory.addGuard(overlayNamesGuard(overlays));
  // A change that would leave a node it touches without its overlays is refused before anything is written.
  inventory.addGuard(overlayRenderGuard(overlays));
  const core = { paths, config, installations, kernels, images, inventory, overlays };
  const services = { ...core, modules, activeModules } as Services;
  // Boot assignments follow the image life cycle for every user of the library, not only the CLI.
  installBootGuards(services);
  // After the boot guards: an image change first updates the assignments, then the archives follow.
  services.overlayDelivery = installOverlayDelivery(services, scripts, options.overlayRenderer?.(services) ?? overlays, options.onNotice);
  if (options.onNotice) images.addNoticeListener(options.onNotice);
  if (options.repair ?? true) await repairServices(services, options);
  return services;
}

/**
 * Repairs what a killed command left under the services' root (leftover
 * builds, boot files out of step), telling each repair to the notice
 * callbacks of `options`.
 */
export async function repairServices(services: Services, options: Pick<OpenOptions, 'onNotice' | 'onLackOfSpaceNotice'> = {}): Promise<void> {
  // Whatever command comes next, a command killed earlier is repaired first.
  for (const notice of await repairAfterKill(services.paths)) {
    (notice.lackOfSpace || notice.onlyIfSucceeded ? options.onLackOfSpaceNotice ?? options.onNotice : options.onNotice)?.(notice.text);
  }
  try {
    const cleaned = await removeWorkLeftovers(services.paths);
    if (cleaned.length > 0) options.onNotice?.(`removed the build scratch of killed builds of ${cleaned.join(', ')}`);
    const diffs = await removeDiffLeftovers(services.paths);
    if (diffs.length > 0) options.onNotice?.(`removed the scratch of killed image diffs: ${diffs.join(', ')}`);
  } catch (error) {
    options.onNotice?.(`could not remove the build scratch of killed builds: ${(error as Error).message.split('\n')[0]}`);
  }
  try {
    const line = await services.overlayDelivery.repair();
    if (line !== undefined) options.onNotice?.(line);
  } catch (error) {
    // Told only if the command succeeds: `overlay build` itself reports the same problem as its error.
    (options.onLackOfSpaceNotice ?? options.onNotice)?.(`warning: node overlays stay as last published: ${(error as Error).message.split('\n')[0]}`);
  }
}
