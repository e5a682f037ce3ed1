/**
 * Overlay delivery for one root: builds the archives on request
 * (`overlay build`), after every change of the inventory (a follower of the
 * node-script publisher), after every image change, and in the
 * start-of-command repair when a build was killed or the inventory or the
 * overlay sources changed since the last full build. Every build runs under
 * the inventory lock, so node scripts, archives and the manifest move together.
 */
import { readTextIfExists } from '../../core/state/atomic-file.js';
import { withLock } from '../../core/state/lock.js';
import { ConflictError, DisklessError, OperationError } from '../../errors/index.js';
import { inventoryHash } from '../../core/nodes/inventory-cache.js';
import type { CoreServices } from '../../core/core-services.js';
import type { InventoryDocument } from '../../core/nodes/inventory-file.js';
import type { OverlayRenderer } from '../../core/overlays/rendered.js';
import type { BootScriptPublisher } from '../boot-publisher.js';
import { runOverlayBuild, type OverlayBuildResult } from './overlay-build.js';
import { overlaySourcesFingerprint } from './overlay-sources.js';
import { readIntent, readManifest } from './overlay-state.js';
import { overlayManifestFile } from '../boot-paths.js';

export type { OverlayBuildResult } from './overlay-build.js';

/** The warning naming secret archives served to any address (their nodes have no registered `ip`), without the `warning: ` a caller adds. */
export function openSecretsWarning(nodes: string): string {
  return `the overlays of ${nodes} hold secrets but these nodes have no registered address (ip): their archives are served to any address; set one with \`disklessset node set NODE --ip ADDRESS\``;
}

/** Builds and repairs the overlay archives of one root (see the module comment). */
export class OverlayDelivery {
  constructor(private readonly services: Pick<CoreServices, 'paths' | 'inventory'>, private readonly scripts: BootScriptPublisher,
    private readonly renderer: OverlayRenderer, private readonly notice: (message: string) => void = () => undefined) {}

  /** Builds with the lock held and the inventory read: the one path of every build. */
  private async buildLocked(document: InventoryDocument, text: string, nodeSet?: string): Promise<OverlayBuildResult> {
    if (text.trim() === '' && Object.keys((await readManifest(this.services.paths)).nodes).length > 0) {
      // As for node scripts (boot-publisher.ts): a truncated or deleted nodes.yml must not take every node's files away.
      throw new OperationError('E_INVENTORY_INVALID', `${this.services.paths.inventoryFile} is missing or empty, but node overlays were published from it`,
        'restore it from a backup (or write `nodes: {}` into it to remove every node on purpose); overlays stay as last published until then');
    }
    return runOverlayBuild(this.services.paths, this.renderer, { document, text, ...(nodeSet === undefined ? {} : { nodeSet }) }, async (changed) => {
      if (changed) await this.scripts.refresh(document, text);
    });
  }

  /**
   * `overlay build [NODESET]`: renders the nodes (all nodes booting an image
   * by default) and publishes the archives whose input changed.
   * @throws UsageError E_OVERLAY_TEMPLATE, OperationError E_OVERLAY_ENTRY_INVALID,
   *   NotFoundError E_NODE_NOT_FOUND (nothing published); ConflictError E_LOCK_TIMEOUT; OperationError E_NO_SPACE.
   */
  async build(nodeSet?: string): Promise<OverlayBuildResult> {
    return withLock(this.services.paths.inventoryFile, async () => {
      const state = await this.services.inventory.readState();
      return this.buildLocked(state.document, state.text, nodeSet);
    });
  }

  /** Follows a committed inventory change (the inventory lock is held): never throws, tells what it could not do. */
  async follow(document: InventoryDocument, text: string): Promise<void> {
    try {
      this.tell(await this.buildLocked(document, text));
    } catch (error) {
      this.notice(`warning: node overlays stay as last published: ${(error as Error).message.split('\n')[0]}; fix it, then run \`disklessset overlay build\``);
    }
  }

  private tell(result: OverlayBuildResult): void {
    if (result.openSecrets !== '' && result.written > 0) this.notice(`warning: ${openSecretsWarning(result.openSecrets)}`);
  }

  /** Whether the repair has work (read without the lock, cheap: two small files and a listing of the sources). */
  async needsRepair(): Promise<boolean> {
    const paths = this.services.paths;
    if ((await readIntent(paths)) !== undefined) return true;
    const text = await readTextIfExists(paths.inventoryFile);
    const manifestText = await readTextIfExists(overlayManifestFile(paths));
    // No inventory and nothing ever published: nothing to follow.
    if (text === undefined && manifestText === undefined) return false;
    const manifest = await readManifest(paths);
    return manifest.inventorySha256 !== inventoryHash(text ?? '') || manifest.sources !== await overlaySourcesFingerprint(paths);
  }

  /**
   * The start-of-command repair: builds every archive again when a build was
   * killed, or the inventory or the overlay sources changed since the last
   * one, unless another live command holds the lock (it builds them itself).
   * Returns a line to tell, or undefined when there was nothing to do.
   * @throws what {@link build} throws.
   */
  async repair(): Promise<string | undefined> {
    if (!(await this.needsRepair())) return undefined;
    // A damaged, emptied or deleted nodes.yml is reported once, by the node-script repair that runs first; overlays stay.
    const text = await readTextIfExists(this.services.paths.inventoryFile);
    if (text === undefined || text.trim() === '') return undefined;
    const killed = (await readIntent(this.services.paths)) !== undefined;
    let result: OverlayBuildResult;
    try {
      result = await withLock(this.services.paths.inventoryFile, async () => {
        const state = await this.services.inventory.readState();
        return this.buildLocked(state.document, state.text);
      }, { timeoutMs: 0 });
    } catch (error) {
      if (error instanceof ConflictError && error.code === 'E_LOCK_TIMEOUT') return undefined;
      if (error instanceof DisklessError && error.code === 'E_INVENTORY_INVALID') return undefined;
      throw error;
    }
    this.tell(result);
    if (result.written === 0 && result.removed === 0 && !killed) return undefined;
    return `${killed ? 'completed the overlay build a killed command left' : 'rebuilt node overlays (the inventory or an overlay changed)'}: ${result.written} archive(s) written, ${result.removed} removed`;
  }
}

/**
 * Starts overlay delivery on a root: archives follow every inventory change
 * (through `scripts`, the publisher `services.inventory` was opened with) and
 * every image change. Returns the delivery, for `overlay build` and the repair.
 */
export function installOverlayDelivery(services: Pick<CoreServices, 'paths' | 'inventory' | 'images'>, scripts: BootScriptPublisher,
  renderer: OverlayRenderer, notice?: (message: string) => void): OverlayDelivery {
  const delivery = new OverlayDelivery(services, scripts, renderer, notice);
  scripts.addFollower((document, text) => delivery.follow(document, text));
  services.images.addChangeListener(async () => {
    try {
      const result = await delivery.build();
      if (result.openSecrets !== '' && result.written > 0) notice?.(`warning: ${openSecretsWarning(result.openSecrets)}`);
    } catch (error) {
      notice?.(`warning: node overlays stay as last published: ${(error as Error).message.split('\n')[0]}; fix it, then run \`disklessset overlay build\``);
    }
  });
  return delivery;
}
