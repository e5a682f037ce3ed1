/**
 * Where the boot layer's files live in the HTTP tree, and writing them. Node
 * files are replaced by rename, so a booting node never reads half a script.
 */
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Paths } from '../core/paths.js';
import { writeFileAtomic } from '../core/state/atomic-file.js';
import { nodeScript, type BootUrls } from './boot-scripts.js';

/** Files written at once when many nodes change: enough to overlap fsyncs, few enough not to exhaust descriptors. */
const WRITE_CONCURRENCY = 16;

/** URL paths the scripts of this installation point to. */
export function bootUrls(paths: Paths): BootUrls {
  return { imagesPath: paths.urlPath('imagesDir'), nodesPath: paths.urlPath('bootNodesDir') };
}

/** Physical path of the entry script, `diskless/boot.ipxe`, beside the images folder. */
export function entryScriptPath(paths: Paths): string {
  return join(paths.physical('imagesDir'), '..', 'boot.ipxe');
}

/** Physical path of a node's script. */
export function nodeScriptPath(paths: Paths, node: string): string {
  return join(paths.bootNodesDir, `${node}.ipxe`);
}

/** Whether a CREATED image has a boot file that nodes can chain to. */
export function hasBootFile(paths: Paths, image: string): boolean {
  return existsSync(join(paths.imageDir(image), 'boot.ipxe'));
}

async function inBatches<T>(items: readonly T[], action: (item: T) => Promise<void>): Promise<void> {
  for (let start = 0; start < items.length; start += WRITE_CONCURRENCY) {
    await Promise.all(items.slice(start, start + WRITE_CONCURRENCY).map(action));
  }
}

/**
 * Makes the script of each of `nodes` follow `assignments`: written (unless
 * already identical) for an assigned node, removed for an unassigned one.
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
    if (current !== content) await writeFileAtomic(file, content, 0o644);
  });
}
