/**
 * Overlay delivery for one root: builds the archives on request
 * (`overlay build`), after every change of the inventory (a follower of the
 * node-script publisher), after every image change, and in the
 * start-of-command repair when a build was killed or the inventory, the
 * overlay sources, the server address or the account files changed since the
 * last full build (overlay-sources.ts). Every build runs under
 * the inventory lock, so node scripts, archives and the manifest move together.
 */
import { readTextIfExists } from '../../core/state/atomic-file.js';
import { withLock } from '../../core/state/lock.js';
import { ConflictError, DisklessError, OperationError, UsageError } from '../../errors/index.js';
import { inventoryHash } from '../../core/nodes/inventory-cache.js';
import type { CoreServices } from '../../core/core-services.js';
import type { InventoryDocument } from '../../core/nodes/inventory-file.js';
import type { OverlayRenderer } from '../../core/overlays/rendered.js';
import type { BootScriptPublisher } from '../boot-publisher.js';
import { runOverlayBuild, type OverlayBuildResult } from './overlay-build.js';
import { overlaySourcesFingerprint } from './overlay-sources.js';
import { manifestHead, readIntent, readManifest, writeIntent, type OverlayIntent } from './overlay-state.js';
import { overlayManifestFile } from '../boot-paths.js';
import { foldNodes } from '../../nodeset/index.js';
import { HostKeyStore, pruneHostKeys } from '../../core/overlays/ssh-host-keys.js';

export type { OverlayBuildResult } from './overlay-build.js';

/** The warning naming secret archives served to any address (their nodes have no registered `ip`), without the `warning: ` a caller adds. */
export function openSecretsWarning(nodes: string): string {
  return `the overlays of ${nodes} hold secrets but these nodes have no registered address (ip): their archives are served to any address; set one with \`disklessset node set NODE --ip ADDRESS\``;
}

/** Builds and repairs the overlay archives of one root (see the module comment). */
export class OverlayDelivery {
  constructor(private readonly services: Pick<CoreServices, 'paths' | 'inventory' | 'config'>, private readonly scripts: BootScriptPublisher,
    private readonly renderer: OverlayRenderer, private readonly notice: (message: string) => void = () => undefined) {}

  /** Warnings told already by this process. */
  private readonly told = new Set<string>();

  /**
   * Builds with the lock held and the inventory read: the one path of every
   * build. With `isolate`, a node whose overlays cannot be rendered is left
   * as it was and named in `failures` (problem → nodes) instead of stopping the build.
   */
  private async buildLocked(document: InventoryDocument, text: string, nodeSet?: string, isolate = false,
    previous?: { document: InventoryDocument; text: string }, verify = false): Promise<OverlayBuildResult & { failures: Map<string, string[]> }> {
    if (text.trim() === '' && Object.keys((await readManifest(this.services.paths)).nodes).length > 0) {
      // As for node scripts (boot-publisher.ts): a truncated or deleted nodes.yml must not take every node's files away.
      throw new OperationError('E_INVENTORY_INVALID', `${this.services.paths.inventoryFile} is missing or empty, but node overlays were published from it`,
        'restore it from a backup (or write `nodes: {}` into it to remove every node on purpose); overlays stay as last published until then');
    }
    // Keys of nodes gone from the inventory go before the manifest records it: a kill in between is repaired by the next command.
    if (nodeSet === undefined) await pruneHostKeys(this.services.paths, new Set(Object.keys(document.nodes)));
    const failures = new Map<string, string[]>();
    const onFailure = (node: string, error: Error & { code: string }): void => {
      const problem = error.message.split('\n')[0] ?? '';
      // Without isolation the first node that fails refuses the build (nothing written yet), named in the one line.
      if (!isolate && !(error instanceof UsageError)) throw error;
      if (!isolate) throw new UsageError(error.code, problem.startsWith(`node ${node}:`) ? problem : `node ${node}: ${problem}`, (error as UsageError).hint);
      failures.set(problem, [...failures.get(problem) ?? [], node]);
    };
    const result = await runOverlayBuild(this.services.paths, this.renderer, { document, text, serverAddress: this.services.config.serverAddress, ...(nodeSet === undefined ? {} : { nodeSet }), ...(previous ? { previous, foldSelected: false } : {}), verify, onFailure }, async (changed) => {
      if (changed) await this.scripts.refresh(document, text);
    });
    return { ...result, failures };
  }

  /**
   * `overlay build [NODESET]`: renders the nodes (all nodes booting an image
   * by default) and publishes the archives whose input changed; tells the
   * nodes whose secrets are served to any address. With `isolate`, a node
   * that cannot be rendered is left as it was and told, instead of refusing
   * the build. With `verify`, every node of the set is rendered and each
   * archive whose bytes on disk differ is written (BuildInput.verify).
   * @throws UsageError E_OVERLAY_TEMPLATE, OperationError E_OVERLAY_ENTRY_INVALID,
   *   NotFoundError E_NODE_NOT_FOUND (nothing published); ConflictError E_LOCK_TIMEOUT; OperationError E_NO_SPACE.
   */
  async build(nodeSet?: string, options: { isolate?: boolean; verify?: boolean } = {}): Promise<OverlayBuildResult> {
    const result = await withLock(this.services.paths.inventoryFile, async () => {
      const state = await this.services.inventory.readState();
      return this.buildLocked(state.document, state.text, nodeSet, options.isolate === true, undefined, options.verify === true);
    });
    this.tellResult(result, options.isolate !== true);
    return result;
  }

  /**
   * Replaces the SSH host keys of `nodes` (checked by the caller) and
   * publishes their archives, under the inventory lock. A build intent naming
   * them is written first, so a kill after a key changed but before its
   * archive did is completed by the next command's repair.
   * @throws CommandError when ssh-keygen fails; ConflictError E_LOCK_TIMEOUT; OperationError E_NO_SPACE.
   */
  async rotateHostKeys(nodes: readonly string[]): Promise<void> {
    const paths = this.services.paths;
    const store = new HostKeyStore(paths);
    const result = await withLock(paths.inventoryFile, async () => {
      const state = await this.services.inventory.readState();
      const manifest = await readManifest(paths);
      const intent: OverlayIntent = { ...await readIntent(paths) };
      for (const node of nodes) {
        const ip = manifest.nodes[node]?.ip;
        if (manifest.nodes[node]) intent[node] = { secret: true, ...(ip ? { ip } : {}) };
      }
      await writeIntent(paths, intent);
      for (const node of nodes) await store.rotate(node);
      return this.buildLocked(state.document, state.text, undefined, true);
    });
    this.tellResult(result);
  }

  /** Follows a committed inventory change (the inventory lock is held), from the inventory it replaced: never throws, tells what it could not do. */
  async follow(document: InventoryDocument, text: string, previous?: { document: InventoryDocument; text: string }): Promise<void> {
    try {
      this.tellResult(await this.buildLocked(document, text, undefined, true, previous));
    } catch (error) {
      this.tellFailure(error);
    }
  }

  /** The warning of a build that could not run at all (each line once per process). */
  tellFailure(error: unknown): void {
    this.tell(`warning: node overlays stay as last published: ${(error as Error).message.split('\n')[0]}; fix it, then run \`disklessset overlay build\``);
  }

  /** Tells `message` through the notice callback, once per process: a command may build several times (repair, change, image event). */
  private tell(message: string): void {
    if (this.told.has(message)) return;
    this.told.add(message);
    this.notice(message);
  }

  /**
   * Tells, per problem, the nodes a build left as they were, and the open
   * secrets (when it wrote an archive, or `always`). A warning no longer true
   * is forgotten, so a long-lived process (serve) tells it again if it comes back.
   */
  tellResult(result: OverlayBuildResult & { failures?: Map<string, string[]> }, always = false): void {
    const lines: string[] = [];
    for (const [problem, nodes] of result.failures ?? []) {
      lines.push(`warning: the overlays of ${foldNodes(nodes)} were not updated (${nodes.length === 1 ? 'it keeps its' : 'they keep their'} last published archive, or none): ${problem}; fix it, then run \`disklessset overlay build\``);
    }
    if (result.openSecrets !== '' && (result.written > 0 || always)) lines.push(`warning: ${openSecretsWarning(result.openSecrets)}`);
    for (const told of this.told) if (!lines.includes(told) && !(result.openSecrets !== '' && told.includes(openSecretsWarning(result.openSecrets)))) this.told.delete(told);
    for (const line of lines) this.tell(line);
  }

  /** Whether the repair has work (read without the lock, cheap: two small files and a listing of the sources). */
  async needsRepair(): Promise<boolean> {
    const paths = this.services.paths;
    if ((await readIntent(paths)) !== undefined) return true;
    const text = await readTextIfExists(paths.inventoryFile);
    const manifestText = await readTextIfExists(overlayManifestFile(paths));
    // No inventory and nothing ever published: nothing to follow.
    if (text === undefined && manifestText === undefined) return false;
    const manifest = (manifestText === undefined ? undefined : manifestHead(manifestText)) ?? await readManifest(paths);
    return manifest.inventorySha256 !== inventoryHash(text ?? '') || manifest.sources !== await overlaySourcesFingerprint(paths, this.services.config.serverAddress);
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
    let result: OverlayBuildResult & { failures: Map<string, string[]> };
    try {
      result = await withLock(this.services.paths.inventoryFile, async () => {
        const state = await this.services.inventory.readState();
        return this.buildLocked(state.document, state.text, undefined, true);
      }, { timeoutMs: 0 });
    } catch (error) {
      if (error instanceof ConflictError && error.code === 'E_LOCK_TIMEOUT') return undefined;
      if (error instanceof DisklessError && error.code === 'E_INVENTORY_INVALID') return undefined;
      throw error;
    }
    this.tellResult(result);
    if (result.written === 0 && result.removed === 0 && !killed) return undefined;
    return `${killed ? 'completed the overlay build a killed command left' : 'rebuilt node overlays (the inventory or an overlay changed)'}: ${result.written} archive(s) written, ${result.removed} removed`;
  }
}

/**
 * Starts overlay delivery on a root: archives follow every inventory change
 * (through `scripts`, the publisher `services.inventory` was opened with) and
 * every image change. Returns the delivery, for `overlay build` and the repair.
 */
export function installOverlayDelivery(services: Pick<CoreServices, 'paths' | 'inventory' | 'images' | 'config'>, scripts: BootScriptPublisher,
  renderer: OverlayRenderer, notice?: (message: string) => void): OverlayDelivery {
  const delivery = new OverlayDelivery(services, scripts, renderer, notice);
  scripts.addFollower((document, text, previous) => delivery.follow(document, text, previous));
  services.images.addChangeListener(async () => {
    try {
      await delivery.build(undefined, { isolate: true });
    } catch (error) {
      delivery.tellFailure(error);
    }
  });
  return delivery;
}
