/**
 * NodeInventory: the nodes and profiles of one installation, kept in
 * `<stateDir>/nodes.yml` (see inventory-file.ts). Each change reads the file,
 * applies the whole change or none of it (all nodes of a node set are checked
 * before any is changed), and writes it atomically under the file's lock.
 * The CLI, the API and the imports all change nodes through this class.
 */
import { ConflictError, NotFoundError, UsageError } from '../../errors/index.js';
import { expandNodeNames, foldNodes } from '../../nodeset/index.js';
import { readTextIfExists, writeFileAtomic } from '../state/atomic-file.js';
import { withLock } from '../state/lock.js';
import { validateProfileName } from '../names.js';
import type { NodeEntry, ProfileEntry } from './attributes.js';
import { applyChanges, type AttributeChanges } from './changes.js';
import { effectiveNode, type EffectiveNode } from './effective.js';
import type { InventoryPublisher } from './publisher.js';
import { compareNames, emptyInventory, formatInventory, parseInventory, type InventoryDocument } from './inventory-file.js';

function fold(names: readonly string[]): string {
  return names.length === 0 ? '' : foldNodes(names);
}

/** Nodes a change touched: folded node set and count. */
export interface NodeSetResult {
  nodes: string;
  nodeCount: number;
}

function result(names: readonly string[]): NodeSetResult {
  return { nodes: fold(names), nodeCount: names.length };
}

/** Profiles that nodes are to list must exist: a reference to a missing one is bad input. */
function requireProfiles(document: InventoryDocument, names: readonly string[] | undefined): void {
  const missing = (names ?? []).filter((name) => !Object.hasOwn(document.profiles, name));
  if (missing.length > 0) {
    throw new UsageError('E_NODE_UNKNOWN_PROFILE', `no profile named ${missing.join(', ')}`, 'create it first with `disklessset profile add NAME`');
  }
}

/**
 * The entry of profile `name`, which a command acts on and so must exist.
 * @throws NotFoundError E_PROFILE_NOT_FOUND.
 */
export function requireProfile(document: InventoryDocument, name: string): ProfileEntry {
  const entry = Object.hasOwn(document.profiles, name) ? document.profiles[name] : undefined;
  if (!entry) throw new NotFoundError('E_PROFILE_NOT_FOUND', `no profile named ${name}`, 'see `disklessset profile list`');
  return entry;
}

/** Reads and changes the node inventory of one installation. */
export class NodeInventory {
  /**
   * @param file the inventory file (`Paths.inventoryFile`).
   * @param publisher hooks run around each change (the wiring passes the boot layer's).
   */
  constructor(readonly file: string, private readonly publisher?: InventoryPublisher) {}

  /**
   * The whole inventory (empty when the file does not exist yet).
   * @throws OperationError E_INVENTORY_INVALID when the file is not a valid inventory.
   */
  async read(): Promise<InventoryDocument> {
    const text = await readTextIfExists(this.file);
    return text === undefined ? emptyInventory() : parseInventory(text, this.file);
  }

  /**
   * Read-modify-write under the lock: `change` mutates the document it gets,
   * and the file is replaced only if `change` returns without throwing.
   * @throws ConflictError E_LOCK_TIMEOUT; whatever `change` throws.
   */
  async update<T>(change: (document: InventoryDocument) => T | Promise<T>): Promise<T> {
    return withLock(this.file, async () => {
      const document = await this.read();
      await this.publisher?.recover(document);
      const previous = structuredClone(document);
      const result = await change(document);
      if (!this.publisher) {
        await this.write(document);
        return result;
      }
      const pending = await this.publisher.before(previous, document);
      try {
        await this.write(document);
        await this.publisher.after(document, pending);
      } catch (error) {
        throw await this.publisher.failed(previous, pending, error, () => this.write(previous));
      }
      return result;
    });
  }

  /**
   * Runs the publisher's recovery alone (the start-of-command repair), unless
   * another live command holds the lock: it finishes its own change. Returns
   * how many nodes were repaired.
   */
  async recover(): Promise<number> {
    if (!this.publisher) return 0;
    const publisher = this.publisher;
    try {
      return await withLock(this.file, async () => publisher.recover(await this.read()), { timeoutMs: 0 });
    } catch (error) {
      if (!(error instanceof ConflictError && error.code === 'E_LOCK_TIMEOUT')) throw error;
      return 0;
    }
  }

  private async write(document: InventoryDocument): Promise<void> {
    await writeFileAtomic(this.file, formatInventory(document), 0o644);
  }

  /**
   * Adds the nodes of `nodeSet` (strictly read, see nodeset/node-names.ts),
   * each with `entry`. Returns the nodes added.
   * @throws UsageError (node set), ConflictError E_NODE_EXISTS if one of them
   *   exists already, UsageError E_NODE_UNKNOWN_PROFILE for an unknown profile.
   */
  async addNodes(nodeSet: string, entry: NodeEntry): Promise<NodeSetResult> {
    const names = expandNodeNames(nodeSet);
    return this.update((document) => {
      const existing = names.filter((name) => Object.hasOwn(document.nodes, name));
      if (existing.length > 0) {
        throw new ConflictError('E_NODE_EXISTS', `${fold(existing)} already in the inventory`, 'change them with `disklessset node set`, or add only the others');
      }
      requireProfiles(document, entry.profiles);
      for (const name of names) document.nodes[name] = structuredClone(entry);
      return result(names);
    });
  }

  /**
   * Changes every node of `nodeSet`. Returns the nodes changed.
   * @throws UsageError (node set), NotFoundError E_NODE_NOT_FOUND if one of
   *   them is not in the inventory, UsageError E_NODE_UNKNOWN_PROFILE for an unknown profile.
   */
  async changeNodes(nodeSet: string, changes: AttributeChanges): Promise<NodeSetResult> {
    const names = expandNodeNames(nodeSet);
    return this.update((document) => {
      this.requireNodes(document, names);
      requireProfiles(document, changes.profiles);
      for (const name of names) applyChanges(document.nodes[name] as NodeEntry, changes);
      return result(names);
    });
  }

  /**
   * Removes the nodes of `nodeSet`. Returns the nodes removed.
   * @throws UsageError (node set), NotFoundError E_NODE_NOT_FOUND.
   */
  async removeNodes(nodeSet: string): Promise<NodeSetResult> {
    const names = expandNodeNames(nodeSet);
    return this.update((document) => {
      this.requireNodes(document, names);
      for (const name of names) delete document.nodes[name];
      return result(names);
    });
  }

  /**
   * Adds a profile.
   * @throws UsageError E_PROFILE_NAME, ConflictError E_PROFILE_EXISTS.
   */
  async addProfile(name: string, entry: ProfileEntry): Promise<void> {
    validateProfileName(name);
    await this.update((document) => {
      if (Object.hasOwn(document.profiles, name)) throw new ConflictError('E_PROFILE_EXISTS', `profile ${name} already exists`, 'change it with `disklessset profile set`');
      document.profiles[name] = structuredClone(entry);
    });
  }

  /**
   * Changes a profile (every node listing it follows).
   * @throws UsageError E_PROFILE_NAME, NotFoundError E_PROFILE_NOT_FOUND.
   */
  async changeProfile(name: string, changes: AttributeChanges): Promise<void> {
    validateProfileName(name);
    if (changes.profiles) throw new UsageError('E_PROFILE_NESTED', 'profiles cannot list profiles', 'give the profiles to the nodes');
    await this.update((document) => {
      applyChanges(requireProfile(document, name), changes);
    });
  }

  /**
   * Removes a profile. With nodes still listing it, refused unless `force`,
   * which also takes it out of their lists. Returns the nodes that listed it.
   * @throws UsageError E_PROFILE_NAME, NotFoundError E_PROFILE_NOT_FOUND, ConflictError E_PROFILE_IN_USE.
   */
  async removeProfile(name: string, options: { force?: boolean } = {}): Promise<NodeSetResult> {
    validateProfileName(name);
    return this.update((document) => {
      requireProfile(document, name);
      const users = Object.keys(document.nodes).filter((node) => document.nodes[node]?.profiles?.includes(name));
      if (users.length > 0 && !options.force) {
        throw new ConflictError('E_PROFILE_IN_USE', `profile ${name} is used by ${fold(users)} (${users.length} nodes)`,
          'change their profiles first, or pass --force to take it out of their lists');
      }
      for (const node of users) {
        const entry = document.nodes[node] as NodeEntry;
        entry.profiles = (entry.profiles ?? []).filter((profile) => profile !== name);
      }
      delete document.profiles[name];
      return result(users);
    });
  }

  /**
   * The effective nodes of `nodeSet` (all nodes when undefined), in natural name order.
   * @throws UsageError (node set), OperationError E_INVENTORY_INVALID.
   */
  async effectiveNodes(nodeSet?: string): Promise<EffectiveNode[]> {
    const document = await this.read();
    let names = Object.keys(document.nodes);
    if (nodeSet !== undefined) {
      const wanted = new Set(expandNodeNames(nodeSet));
      names = names.filter((name) => wanted.has(name));
    }
    return names.sort(compareNames).map((name) => effectiveNode(name, document.nodes[name] as NodeEntry, document.profiles));
  }

  private requireNodes(document: InventoryDocument, names: readonly string[]): void {
    const missing = names.filter((name) => !Object.hasOwn(document.nodes, name));
    if (missing.length > 0) {
      throw new NotFoundError('E_NODE_NOT_FOUND', `${fold(missing)} not in the inventory`, 'add them first with `disklessset node add`');
    }
  }
}
