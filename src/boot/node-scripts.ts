/**
 * Writing the per-node iPXE scripts. Node files are replaced by rename, so a
 * booting node never reads half a script.
 */
import { readFile, rm } from 'node:fs/promises';
import type { Paths } from '../core/paths.js';
import { fsyncDirectory, writeFileAtomic } from '../core/state/atomic-file.js';
import { nodeScriptPath } from './boot-paths.js';
import { existsSync } from 'node:fs';
import { bootUrls, nodeScript } from './ipxe.js';

/** Files written at once when many nodes change: enough to overlap fsyncs, few enough not to exhaust descriptors. */
const WRITE_CONCURRENCY = 16;

async function inBatches<T>(items: readonly T[], action: (item: T) => Promise<void>): Promise<void> {
  for (let start = 0; start < items.length; start += WRITE_CONCURRENCY) {
    await Promise.all(items.slice(start, start + WRITE_CONCURRENCY).map(action));
  }
}

/**
 * Makes the script of each of `nodes` follow `assignments` (node → image):
 * written (unless already identical) for an assigned node, removed for an
 * unassigned one.
 * @throws UsageError `E_IPXE_VALUE` when a name could not stand in a script.
 */
export async function syncNodeScripts(paths: Paths, assignments: Readonly<Record<string, string>>, nodes: readonly string[]): Promise<void> {
  const urls = bootUrls(paths);
  await inBatches(nodes, async (node) => {
    const file = nodeScriptPath(paths, node);
    const image = Object.hasOwn(assignments, node) ? assignments[node] : undefined;
    if (image === undefined) {
      await rm(file, { force: true });
      return;
    }
    const content = nodeScript(urls, node, image);
    const current = await readFile(file, 'utf8').catch(() => undefined);
    // No fsync per file (it dominated `boot set` of thousands of nodes): the
    // folder is flushed once below, and until then the intent record names
    // these nodes, so a crash or kill before it is repaired from the assignments.
    if (current !== content) await writeFileAtomic(file, content, 0o644, { sync: false });
  });
  if (nodes.length > 0 && existsSync(paths.bootNodesDir)) await fsyncDirectory(paths.bootNodesDir);
}
