/**
 * The copy of an inventory that a change works on, made on demand: copying
 * 10,000 node entries up front (and comparing them all afterwards) was a
 * tenth of a second of every one-node change. Profiles and servers (a few
 * entries) are copied whole; the node map is a shallow copy whose entries
 * are copied the first time the change reads them, through a proxy. An entry
 * the change never reads is still the previous document's own object, which
 * is what effective.ts `shareUntouched` would have made it anyway.
 */
import type { NodeEntry } from './attributes.js';
import type { InventoryDocument } from './inventory-file.js';

/** A copy of one plain-data entry (JSON values only, as the inventory holds). */
const copyEntry = (entry: NodeEntry): NodeEntry => JSON.parse(JSON.stringify(entry)) as NodeEntry;

/** What {@link changeCopy} gives: the document to hand to the change, and how to get it back as plain data afterwards. */
export interface ChangeCopy {
  document: InventoryDocument;
  /** The document once the change returned, its node map a plain object again (the proxy is dropped). */
  settle(): InventoryDocument;
}

/**
 * A copy of `previous` for a change to mutate (see the module comment).
 * `previous` is never changed through it.
 */
export function changeCopy(previous: InventoryDocument): ChangeCopy {
  const nodes = Object.assign(Object.create(null) as Record<string, NodeEntry>, previous.nodes);
  const copied = new Set<string>();
  const view = new Proxy(nodes, {
    get(target, key, receiver) {
      if (typeof key !== 'string' || !Object.hasOwn(target, key)) return Reflect.get(target, key, receiver) as unknown;
      if (!copied.has(key)) {
        copied.add(key);
        // Only the previous document's own object is copied: an entry the change put there is its own already.
        if (target[key] === previous.nodes[key]) target[key] = copyEntry(target[key] as NodeEntry);
      }
      return target[key];
    },
  });
  const document: InventoryDocument = {
    profiles: JSON.parse(JSON.stringify(previous.profiles)) as InventoryDocument['profiles'],
    nodes: view,
  };
  // Parsed maps have no prototype (a node named `constructor` is just a node); JSON.parse gives Object.prototype back.
  Object.setPrototypeOf(document.profiles, null);
  if (previous.servers) document.servers = Object.setPrototypeOf(JSON.parse(JSON.stringify(previous.servers)), null) as InventoryDocument['servers'];
  return {
    document,
    settle: () => {
      if (document.nodes === view) document.nodes = nodes;
      return document;
    },
  };
}
