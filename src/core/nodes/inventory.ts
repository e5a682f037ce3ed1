/**
 * NodeInventory: the nodes and profiles of one installation, kept in
 * `<stateDir>/nodes.yml` (see inventory-file.ts). Each change reads the file,
 * applies the whole change or none of it (all nodes of a node set are checked
 * before any is changed), and writes it atomically under the file's lock.
 * The CLI, the API and the imports all change nodes through this class.
 */
import { ConflictError, NotFoundError, UsageError } from '../../errors/index.js';
import { countNodes, expandNodeNames, foldNodes } from '../../nodeset/index.js';
import { validateProfileName } from '../names.js';
import type { NodeEntry, ProfileEntry } from './attributes.js';
import { applyChanges, checkChanges, type AttributeChanges } from './changes.js';
import { requireKnownProfiles } from './inventory-checks.js';
import { effectiveNode, type EffectiveNode } from './effective.js';
import type { InventoryDocument } from './inventory-file.js';
import { compareNames } from './name-order.js';
import { InventoryStore } from './inventory-store.js';

export type { InventoryState } from './inventory-store.js';

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

/**
 * The entry of profile `name`, which a command acts on and so must exist.
 * @throws NotFoundError E_PROFILE_NOT_FOUND.
 */
export function requireProfile(document: InventoryDocument, name: string): ProfileEntry {
  const entry = Object.hasOwn(document.profiles, name) ? document.profiles[name] : undefined;
  if (!entry) throw new NotFoundError('E_PROFILE_NOT_FOUND', `no profile named ${name}`, 'see `disklessset profile list`');
  return entry;
}

/** Reads and changes the node inventory of one installation (reading, locking and publishing: see inventory-store.ts). */
export class NodeInventory extends InventoryStore {
  /**
   * Adds the nodes of `nodeSet` (strictly read, see nodeset/node-names.ts),
   * each with `entry`. Returns the nodes added.
   * @throws UsageError (node set), ConflictError E_NODE_EXISTS if one of them
   *   exists already, UsageError E_NODE_UNKNOWN_PROFILE for an unknown profile;
   *   the rules of {@link InventoryStore.update}.
   */
  async addNodes(nodeSet: string, entry: NodeEntry): Promise<NodeSetResult> {
    const names = expandNodeNames(nodeSet);
    return this.update((document) => {
      const existing = names.filter((name) => Object.hasOwn(document.nodes, name));
      if (existing.length > 0) {
        throw new ConflictError('E_NODE_EXISTS', `${fold(existing)} already in the inventory`, 'change them with `disklessset node set`, or add only the others');
      }
      requireKnownProfiles(document, entry.profiles);
      for (const name of names) document.nodes[name] = structuredClone(entry);
      return result(names);
    });
  }

  /**
   * Changes every node of `nodeSet`. Returns the nodes changed.
   * @throws UsageError (node set), NotFoundError E_NODE_NOT_FOUND if one of
   *   them is not in the inventory, UsageError E_NODE_UNKNOWN_PROFILE for an
   *   unknown profile, E_NODE_CONTRADICTION; the rules of {@link InventoryStore.update}.
   */
  async changeNodes(nodeSet: string, changes: AttributeChanges): Promise<NodeSetResult> {
    const names = expandNodeNames(nodeSet);
    checkChanges(changes);
    return this.update((document) => {
      this.requireNodes(document, names);
      requireKnownProfiles(document, changes.profiles);
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
   * @throws UsageError E_PROFILE_NAME, E_NODE_CONTRADICTION, NotFoundError
   *   E_PROFILE_NOT_FOUND; the rules of {@link InventoryStore.update}.
   */
  async changeProfile(name: string, changes: AttributeChanges): Promise<void> {
    validateProfileName(name);
    checkChanges(changes);
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
        // One hint for both front doors: the CLI's option and the API's query parameter are named.
        throw new ConflictError('E_PROFILE_IN_USE', `profile ${name} is used by ${fold(users)} (${countNodes(users.length)})`,
          'change their profiles first, or remove it with force (`--force` on the command line, `?force=true` in the API) to take it out of their lists');
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
