/**
 * Node scripts follow the inventory, published as one unit (generations.ts).
 * Every inventory change runs, under the inventory lock, in an order a kill
 * cannot break:
 *
 * 1. nodes.yml is replaced: the commit;
 * 2. the followers run (the overlay archives of the new inventory are
 *    published, boot/overlays/), so the scripts are rendered once, knowing
 *    which nodes have an archive: a script names an archive only once it is
 *    published, and rendering before the archives meant a second set of
 *    scripts for every added node;
 * 3. the whole set of scripts is rendered into a new generation folder
 *    (skipped when the set served is the same);
 * 4. the pointer records the new generation and the hash of nodes.yml;
 * 5. the served `nodes` link is swapped to the new generation by rename;
 * 6. generations older than the previous one are deleted.
 *
 * A kill after 1 leaves a pointer that disagrees with nodes.yml or with the
 * link, which the next command's repair ({@link BootScriptPublisher.recover})
 * sees and completes (an unpublished generation is deleted). A failure in 3
 * (a full disk) puts the previous nodes.yml back and publishes from it
 * ({@link BootScriptPublisher.failed}): the change is refused whole. A hand
 * edit of nodes.yml is seen by its hash. `boot list` and `node list` read
 * nodes.yml, so once the repair has run they agree with the files served.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { OperationError } from '../errors/index.js';
import type { Paths } from '../core/paths.js';
import { readTextIfExists } from '../core/state/atomic-file.js';
import { diskFullError, isDiskFull, noSpaceError } from '../core/state/disk-full.js';
import { inventoryHash } from '../core/nodes/inventory-cache.js';
import type { InventoryDocument } from '../core/nodes/inventory-file.js';
import type { InventoryPublisher, RecoverOutcome } from '../core/nodes/publisher.js';
import { imageFolders } from '../core/image/image-status.js';
import { isImageName } from '../core/names.js';
import { InstallationsRegistry } from '../core/state/installations.js';
import { countNodes, foldNodes } from '../nodeset/index.js';
import { generationsDir } from './boot-paths.js';
import { Generations } from './generations.js';
import { readPointer, writePointer, type GenerationPointer } from './generation-pointer.js';
import { scriptSet, unknownImageNodes } from './script-set.js';
import { publishedOverlayNodes } from './overlays/overlay-state.js';
import { configuredSeedSeconds } from './ipxe/p2p.js';

/**
 * Told after node scripts were published from a change of the inventory,
 * still under the inventory lock, with the committed inventory (the overlay
 * archives follow it, see boot/overlays/) and, after a change, the inventory
 * it replaced. Must not throw: what it cannot do now, the next command's repair does.
 */
export type ScriptsFollower = (document: InventoryDocument, text: string, previous?: { document: InventoryDocument; text: string }) => Promise<void>;

/** File name of the intent record of earlier versions, inside the state folder: its presence makes the repair render everything again. */
export const INTENT_FILE = 'boot-scripts.pending.json';

/**
 * Names of the images there are, as `image list` finds them: image folders,
 * and the builds the registry records (a build registers before its folder
 * exists). A damaged registry counts as empty here: the commands reading it report it.
 */
async function knownImages(paths: Paths): Promise<Set<string>> {
  const names = new Set(await imageFolders(paths.imagesDir));
  try {
    for (const name of Object.keys(await new InstallationsRegistry(paths.installationsFile).read())) if (isImageName(name)) names.add(name);
  } catch { /* reported by the commands that read the registry */ }
  return names;
}

/** What {@link BootScriptPublisher.before} hands to `after`: the inventory to publish, and the generations rendered for it (discarded if the change fails). */
interface Pending {
  /** The inventory published (told to the followers). */
  document: InventoryDocument;
  /** The inventory it replaces (told to the followers). */
  previous: { document: InventoryDocument; text: string };
  rendered: number[];
}

/** A generation ready to publish: its id, the one served before, and whether it is that one (only the pointer changes). */
interface Rendered {
  id: number;
  from: number | undefined;
  same: boolean;
}

/** Publishes node scripts from the inventory (see the module comment). */
export class BootScriptPublisher implements InventoryPublisher<Pending> {
  private readonly generations: Generations;
  private readonly followers: ScriptsFollower[] = [];

  constructor(private readonly paths: Paths) {
    this.generations = new Generations(paths);
  }

  /** Registers a follower of every publication (see {@link ScriptsFollower}). */
  addFollower(follower: ScriptsFollower): void {
    this.followers.push(follower);
  }

  /**
   * Publishes the node scripts of `document` (its overlay archives changed:
   * scripts load an archive only when it is published), without telling the
   * followers. The caller holds the inventory lock. Called by a follower, it
   * does nothing: the scripts are published right after the followers.
   */
  async refresh(document: InventoryDocument, text: string): Promise<void> {
    if (this.following) return;
    await this.publish(text, await this.render(document));
  }

  /** Set while the followers run (see {@link refresh}). */
  private following = false;

  /** The generation served now, if its folder is there (unchanged scripts are linked from it). */
  private async servedId(): Promise<number | undefined> {
    const served = await this.generations.served();
    if (served.kind !== 'generation') return undefined;
    return (await this.generations.ids()).includes(served.id) ? served.id : undefined;
  }

  /** Why what is published disagrees with nodes.yml's `text`, or undefined when it agrees (and nothing else is left to clean). */
  private async disagreement(text: string | undefined, pointer: GenerationPointer | undefined): Promise<string | undefined> {
    if ((await readTextIfExists(join(this.paths.stateDir, INTENT_FILE))) !== undefined) return 'intent of an earlier version';
    const served = await this.generations.served();
    // A root where nothing was ever assigned: nothing to publish.
    if (text === undefined && pointer === undefined && served.kind === 'missing') return undefined;
    if (!pointer) return 'no pointer';
    if (pointer.inventorySha256 !== inventoryHash(text ?? '')) return 'nodes.yml changed';
    if (served.kind !== 'generation' || served.id !== pointer.generation) return 'link';
    const ids = await this.generations.ids();
    if (!ids.includes(pointer.generation)) return 'missing generation';
    if (ids.some((id) => id !== pointer.generation && id !== pointer.previous)) return 'old generations';
    return undefined;
  }

  async needsRecovery(text: string | undefined): Promise<boolean> {
    return (await this.disagreement(text, await readPointer(this.paths))) !== undefined;
  }

  async recover(current: InventoryDocument, text: string | undefined): Promise<RecoverOutcome> {
    const pointer = await readPointer(this.paths);
    const why = await this.disagreement(text, pointer);
    if (why === undefined) return { published: 0, warnings: [] };
    if (why === 'nodes.yml changed' && (text === undefined || text.trim() === '')) {
      // A truncated or deleted file (an editor crash, a full disk) must not unpublish every node's script.
      throw new OperationError('E_INVENTORY_INVALID', `${this.paths.inventoryFile} is ${text === undefined ? 'missing' : 'empty'}, but node scripts were published from it`,
        'restore it from a backup (or write `nodes: {}` into it to remove every node on purpose); node scripts stay as last published until then');
    }
    if (why === 'old generations') {
      await this.generations.prune([pointer?.generation, pointer?.previous ?? undefined]);
      return { published: 0, warnings: [] };
    }
    const known = await knownImages(this.paths);
    try {
      await this.follow(current, text ?? '', known);
    } catch (error) {
      throw noChange(error);
    }
    await rm(join(this.paths.stateDir, INTENT_FILE), { force: true });
    // Said once: the next command finds the scripts in step with this nodes.yml.
    const warnings = [...unknownImageNodes(current, known)].map(([image, nodes]) =>
      `${foldNodes(nodes)} (${countNodes(nodes.length)}) name image ${image}, which does not exist: no node script is published for them ` +
      `(the entry script offers them the menu); assign an image there is (\`disklessset boot set ${foldNodes(nodes)} IMAGE\`) or create ${image}`);
    return { published: scriptSet(current, known).size, warnings };
  }

  /** Nothing is prepared before the commit: the scripts are rendered after the followers (see the module comment). */
  async before(next: InventoryDocument, _nextText: string, previous: { document: InventoryDocument; text: string }): Promise<Pending> {
    return { document: next, previous, rendered: [] };
  }

  async after(nextText: string, pending: Pending): Promise<void> {
    await this.follow(pending.document, nextText, undefined, pending.rendered, pending.previous);
  }

  /**
   * Runs the followers on the committed inventory, then publishes its
   * scripts (a new generation only when the set served differs). Generations
   * rendered are added to `rendered`.
   */
  private async follow(document: InventoryDocument, text: string, known?: ReadonlySet<string>, rendered: number[] = [],
    previous?: { document: InventoryDocument; text: string }): Promise<void> {
    this.following = true;
    try {
      for (const follower of this.followers) await follower(document, text, previous);
    } finally {
      this.following = false;
    }
    const next = await this.render(document, known);
    rendered.push(next.id);
    await this.publish(text, next);
  }

  /**
   * Renders the scripts of `next` into a new generation (unchanged ones
   * linked from the one served), or finds the served one holds them already.
   * @throws OperationError E_NO_SPACE naming the generations folder (the partial folder is removed).
   */
  private async render(next: InventoryDocument, known?: ReadonlySet<string>): Promise<Rendered> {
    const files = scriptSet(next, known ?? await knownImages(this.paths), await publishedOverlayNodes(this.paths), await configuredSeedSeconds(this.paths));
    const from = await this.servedId();
    if (from !== undefined && await this.generations.holds(from, files)) return { id: from, from, same: true };
    const pointer = await readPointer(this.paths);
    const id = Math.max(0, ...(await this.generations.ids()), pointer?.generation ?? 0, pointer?.previous ?? 0) + 1;
    try {
      await this.generations.render(id, files, from);
    } catch (error) {
      // Named after the generations folder: the file that failed was in a temporary one, now removed.
      throw isDiskFull(error) ? noSpaceError(generationsDir(this.paths), error) : error;
    }
    return { id, from, same: false };
  }

  private async publish(nextText: string, pending: Rendered): Promise<void> {
    const pointer = await readPointer(this.paths);
    // Kept: the generation served before this one (nodes may be downloading from it).
    const previous = pending.same ? (pointer?.generation === pending.id ? pointer.previous : null) : pending.from ?? null;
    await writePointer(this.paths, { generation: pending.id, previous, inventorySha256: inventoryHash(nextText) });
    if (!pending.same || (await this.generations.served()).kind !== 'generation') await this.generations.publish(pending.id);
    await this.generations.prune([pending.id, previous ?? undefined]);
  }

  /**
   * Discards the unpublished generation, puts the previous inventory back and
   * publishes from it, then returns the error for the inventory to throw: a
   * lack of space becomes OperationError E_NO_SPACE saying no assignment
   * changed; any other error (or a failed undo) is returned as it came.
   */
  async failed(pending: Pending, error: unknown, restore: () => Promise<{ document: InventoryDocument; text: string }>): Promise<unknown> {
    try {
      // The generations of the failed change go first: removing them frees the space the rest needs.
      const pointer = await readPointer(this.paths);
      for (const id of pending.rendered) if (id !== pointer?.previous) await this.generations.discard(id);
      const previous = await restore();
      // Not recover(): the pointer may still agree with the restored file while the followers (overlay archives) followed the failed change.
      await this.follow(previous.document, previous.text);
    } catch {
      return error;
    }
    return noChange(error);
  }
}

/** A full disk becomes E_NO_SPACE saying nothing changed; other errors pass unchanged. */
function noChange(error: unknown): unknown {
  if (!isDiskFull(error) && !(error instanceof OperationError && error.code === 'E_NO_SPACE')) return error;
  const full = error instanceof OperationError ? error : diskFullError(error);
  return new OperationError('E_NO_SPACE', `${full.message}: no boot assignment was changed`, full.hint, { cause: error });
}
