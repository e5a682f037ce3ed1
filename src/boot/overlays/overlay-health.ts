/**
 * What `node status` tells of the nodes' overlays beside their boots: the
 * archives node scripts load but that are missing on disk (deleted by hand:
 * a change of another node trusts the manifest and does not see it), and the
 * nodes the last builds could not render (they keep their last archive, or
 * none). Both are read from the manifest, one listing of the archives and
 * one `lstat` per node asked for.
 */
import { lstatSync } from 'node:fs';
import type { Paths } from '../../core/paths.js';
import { overlayArchivePath } from '../boot-paths.js';
import { plainAddress, sharedAddresses } from './access.js';
import { archivedNodes } from './archive-files.js';
import { readManifest } from './overlay-state.js';

/** The overlay problems of some nodes. */
export interface OverlayHealth {
  /** Nodes whose recorded archive is missing on disk, in the order asked. */
  missing: string[];
  /** Nodes not rendered by the last builds, by one-line problem, in the order asked. */
  unrendered: Map<string, string[]>;
  /** Nodes whose secret archive no address gets: their registered address is another node's too (a hand edit of nodes.yml). */
  sharedAddress: string[];
}

/**
 * Whether the archive of `node` is a regular file that is not empty: a
 * folder, a link (to another node's archive: refused to this node) or an
 * emptied file in its place stops the node as a missing one does.
 */
function wholeArchive(paths: Paths, node: string): boolean {
  const stats = lstatSync(overlayArchivePath(paths, node), { throwIfNoEntry: false });
  return stats?.isFile() === true && stats.size > 0;
}

/** The overlay problems of `nodes` (see the module comment). */
export async function overlayHealth(paths: Paths, nodes: readonly string[]): Promise<OverlayHealth> {
  const manifest = await readManifest(paths);
  const published = Object.keys(manifest.nodes).length > 0;
  const archived = published ? new Set(await archivedNodes(paths)) : new Set<string>();
  const unrendered = new Map<string, string[]>();
  const missing: string[] = [];
  const shared = sharedAddresses(manifest);
  const sharedAddress: string[] = [];
  for (const node of nodes) {
    const record = published ? manifest.nodes[node] : undefined;
    if (record?.secret === true && record.ip !== undefined && shared.has(plainAddress(record.ip))) sharedAddress.push(node);
    if (published && Object.hasOwn(manifest.nodes, node) && !(archived.has(node) && wholeArchive(paths, node))) missing.push(node);
    const problem = manifest.failed && Object.hasOwn(manifest.failed, node) ? manifest.failed[node] : undefined;
    if (problem !== undefined) unrendered.set(problem, [...unrendered.get(problem) ?? [], node]);
  }
  return { missing, unrendered, sharedAddress };
}
