/**
 * `server add|remove|list`: the boot servers of the inventory (servers.ts),
 * changed through the inventory's one locked read-modify-write, so a server
 * change republishes the node scripts like any other inventory change.
 */
import { ConflictError, NotFoundError } from '../../errors/index.js';
import { countNodes, foldNodes } from '../../nodeset/index.js';
import { validateServerName } from '../names.js';
import type { NodeEntry } from './attributes.js';
import type { InventoryDocument } from './inventory-file.js';
import { compareNames } from './name-order.js';
import type { NodeInventory } from './inventory.js';
import { effectiveNode } from './effective.js';
import { checkServerUrl, serverMap, type ServerEntry } from './servers.js';

/** A server as listed: its name, URL, and who names it (folded node set with count; profile names). */
export interface ServerView extends ServerEntry {
  name: string;
  /** Nodes whose effective server list names it, their own or a profile's (folded, '' when none). */
  nodes: string;
  nodeCount: number;
  /** Profiles naming it, in name order. */
  profiles: string[];
}

/** What `server remove` did: the server, and the nodes and profiles whose lists it left (with `force`). */
export interface ServerRemoval {
  name: string;
  nodes: string;
  nodeCount: number;
  profiles: string[];
}

/** Keys of `map` (nodes or profiles) whose own server list names `name`, in name order. */
function naming(map: Record<string, NodeEntry>, name: string): string[] {
  return Object.keys(map).filter((key) => map[key]?.servers?.includes(name)).sort(compareNames);
}

function users(document: InventoryDocument, name: string): { nodes: string[]; profiles: string[] } {
  return { nodes: naming(document.nodes, name), profiles: naming(document.profiles, name) };
}

/** Each node's effective server list (its own, else its profiles'), for the nodes that have one: merged once per listing, not once per server. */
function effectiveServers(document: InventoryDocument): [string, string[]][] {
  return Object.entries(document.nodes).flatMap(([node, entry]): [string, string[]][] => {
    const servers = effectiveNode(node, entry, document.profiles).attributes.servers;
    return servers ? [[node, servers]] : [];
  });
}

function view(document: InventoryDocument, name: string, lists = effectiveServers(document)): ServerView {
  // The nodes that fetch from it: their effective list names it.
  const nodes = lists.filter(([, servers]) => servers.includes(name)).map(([node]) => node).sort(compareNames);
  return { name, url: serverMap(document)[name]?.url as string, nodes: nodes.length ? foldNodes(nodes) : '', nodeCount: nodes.length, profiles: naming(document.profiles, name) };
}

/**
 * Adds a boot server.
 * @throws UsageError E_SERVER_NAME, E_SERVER_URL; ConflictError E_SERVER_EXISTS; E_LOCK_TIMEOUT.
 */
export async function addServer(inventory: NodeInventory, name: string, url: string): Promise<ServerView> {
  validateServerName(name);
  const written = checkServerUrl(url);
  return inventory.update((document) => {
    const servers = serverMap(document);
    if (Object.hasOwn(servers, name)) {
      throw new ConflictError('E_SERVER_EXISTS', `boot server ${name} already exists (${servers[name]?.url})`, 'remove it first, or choose another name');
    }
    servers[name] = { url: written };
    document.servers = servers;
    return view(document, name);
  });
}

/**
 * Removes a boot server. While nodes or profiles name it, refused unless
 * `force`, which also takes it out of their lists (they fall back to their
 * other servers, or to the one they booted from).
 * @throws UsageError E_SERVER_NAME; NotFoundError E_SERVER_NOT_FOUND; ConflictError E_SERVER_IN_USE.
 */
export async function removeServer(inventory: NodeInventory, name: string, options: { force?: boolean } = {}): Promise<ServerRemoval> {
  validateServerName(name);
  return inventory.update((document) => {
    const servers = serverMap(document);
    if (!Object.hasOwn(servers, name)) throw new NotFoundError('E_SERVER_NOT_FOUND', `no boot server named ${name}`, 'see `disklessset server list`');
    const named = users(document, name);
    const count = named.nodes.length + named.profiles.length;
    if (count > 0 && !options.force) {
      const who = [named.nodes.length ? `${foldNodes(named.nodes)} (${countNodes(named.nodes.length)})` : '', named.profiles.length ? `profile ${named.profiles.join(', ')}` : '']
        .filter((part) => part !== '').join(' and ');
      throw new ConflictError('E_SERVER_IN_USE', `boot server ${name} is named by ${who}`,
        'change their --servers first, or remove it with --force to take it out of their lists');
    }
    for (const kind of ['nodes', 'profiles'] as const) {
      for (const key of named[kind]) {
        const entry = document[kind][key] as NodeEntry;
        entry.servers = (entry.servers ?? []).filter((server) => server !== name);
        if (entry.servers.length === 0) delete entry.servers;
      }
    }
    delete servers[name];
    document.servers = servers;
    return { name, nodes: named.nodes.length ? foldNodes(named.nodes) : '', nodeCount: named.nodes.length, profiles: named.profiles };
  });
}

/** Every boot server in name order, with who names it. */
export async function listServers(inventory: NodeInventory): Promise<ServerView[]> {
  const document = await inventory.read();
  const lists = effectiveServers(document);
  return Object.keys(serverMap(document)).sort(compareNames).map((name) => view(document, name, lists));
}
