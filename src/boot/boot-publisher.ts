/**
 * Node scripts follow the inventory, published as one unit (generations.ts).
 * Every inventory change runs, under the inventory lock, in an order a kill
 * cannot break:
 *
 * 1. the whole set of scripts is rendered into a new generation folder
 *    (nothing served changes; skipped when the set is the same);
 * 2. nodes.yml is replaced: the commit;
 * 3. the pointer records the new generation and the hash of nodes.yml;
 * 4. the served `nodes` link is swapped to the new generation by rename;
 * 5. generations older than the previous one are deleted.
 *
 * A kill before 2 leaves the old inventory and the old scripts (and an
 * unpublished generation, deleted by the next command); a kill after it
 * leaves a pointer that disagrees with nodes.yml or with the link, which the
 * next command's repair ({@link BootScriptPublisher.recover}) sees and
 * completes. A hand edit of nodes.yml is seen the same way, by its hash.
 * `boot list` and `node list` read nodes.yml, so once the repair has run
 * they agree with the files served.
 */
import { DEFAULT_CONFIG, loadConfig } from '../core/config.js';
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

/**
 * Told after node scripts were published from a change of the inventory,
 * still under the inventory lock, with the committed inventory (the overlay
 * archives follow it, see boot/overlays/). Must not throw: what it cannot do
 * now, the next command's repair does.
 */
export type ScriptsFollower = (document: InventoryDocument, text: string) => Promise<void>;

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

/** What {@link BootScriptPublisher.before} hands to `after`: the generation to publish, and the one served before. */
interface Pending {
  id: number;
  from: number | undefined;
  /** The generation served already holds exactly the new set: only the pointer changes. */
  same: boolean;
  /** The inventory published (told to the followers). */
  document: InventoryDocument;
}

/** Publishes node scripts from the inventory (see the module comment). */
/**
 * Seeding time of peer-to-peer nodes (`p2p_seed_seconds`); the default when
 * the config cannot be read now (the commands that read it report why).
 */
async function seedSeconds(paths: Paths): Promise<number> {
  return (await loadConfig(paths.root).catch(() => DEFAULT_CONFIG)).p2pSeedSeconds;
}

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
   * Publishes the node scripts of `document` again (its overlay archives
   * changed: scripts load an archive only when it is published), without
   * telling the followers. The caller holds the inventory lock.
   */
  async refresh(document: InventoryDocument, text: string): Promise<void> {
    await this.publish(text, await this.before(document, text));
  }

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
    await this.after(text ?? '', await this.before(current, text ?? '', known));
    await rm(join(this.paths.stateDir, INTENT_FILE), { force: true });
    // Said once: the next command finds the scripts in step with this nodes.yml.
    const warnings = [...unknownImageNodes(current, known)].map(([image, nodes]) =>
      `${foldNodes(nodes)} (${countNodes(nodes.length)}) name image ${image}, which does not exist: no node script is published for them ` +
      `(the entry script offers them the menu); assign an image there is (\`disklessset boot set ${foldNodes(nodes)} IMAGE\`) or create ${image}`);
    return { published: scriptSet(current, known).size, warnings };
  }

  async before(next: InventoryDocument, _nextText: string, known?: ReadonlySet<string>): Promise<Pending> {
    const files = scriptSet(next, known ?? await knownImages(this.paths), await publishedOverlayNodes(this.paths), await seedSeconds(this.paths));
    const from = await this.servedId();
    if (from !== undefined && await this.generations.holds(from, files)) return { id: from, from, same: true, document: next };
    const pointer = await readPointer(this.paths);
    const id = Math.max(0, ...(await this.generations.ids()), pointer?.generation ?? 0, pointer?.previous ?? 0) + 1;
    try {
      await this.generations.render(id, files, from);
    } catch (error) {
      // Named after the generations folder: the file that failed was in a temporary one, now removed.
      throw noChange(isDiskFull(error) ? noSpaceError(generationsDir(this.paths), error) : error);
    }
    return { id, from, same: false, document: next };
  }

  async after(nextText: string, pending: Pending): Promise<void> {
    await this.publish(nextText, pending);
    for (const follower of this.followers) await follower(pending.document, nextText);
  }

  private async publish(nextText: string, pending: Pending): Promise<void> {
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
      // The unpublished generation goes first: removing it frees the space the rest needs.
      if (!pending.same) await this.generations.discard(pending.id);
      const previous = await restore();
      await this.recover(previous.document, previous.text);
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
