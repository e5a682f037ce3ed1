/**
 * The per-node trees of a golden image. The node list in image_data.yml and
 * the folders under `nodes/` are kept equal, whatever interrupts us:
 *
 * - a node tree is copied under a hidden temporary name and renamed into
 *   place only once complete, so a visible `nodes/<node>` is always whole;
 * - a removed tree is first renamed to a hidden name, so it vanishes at once;
 * - every operation starts by reconciling: hidden leftovers are deleted and the
 *   list is rewritten from the complete trees found.
 *
 * Callers hold the image's lock (see `golden-nodes.ts`).
 */
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { OperationError } from '../../errors/index.js';
import type { ProgressSink } from '../../core/progress.js';
import { silentProgress } from '../../core/progress.js';
import { removeManagedPath } from '../../core/state/safe-remove.js';
import { copyTree, defaultCopyJobs, probeCopyMode, probeFilePid, runPool, type CopyMode } from '../../system/copy-tree.js';
import { run } from '../../system/runner.js';
import type { ImageContext } from '../../core/image/context.js';
import type { ImageData } from '../../core/image/image-data.js';
import { partialName, removingName } from './nfs-layout.js';
import { pidExists } from '../../core/state/process-identity.js';
import { foldNodeNames } from './stored-node-lists.js';
import { countNodes, isNodeName } from '../../nodeset/index.js';

/**
 * What these functions need of a golden image (NfsGoldenImage has it; named
 * here so the image class can call them without an import loop).
 */
export interface NfsGoldenImage {
  readonly context: ImageContext;
  data: ImageData;
  readonly nodesDir: string;
  readonly imageTree: string;
  readonly nodes: string[];
  nodeTree(node: string): string;
  save(): Promise<void>;
}

/** Options of node additions and removals. */
export interface NodeTreeOptions {
  progress?: ProgressSink;
  signal?: AbortSignal;
  /** Copies run at once (default depends on the copy mode and the cores). */
  jobs?: number;
  /** Force a copy mode instead of probing the file system. */
  mode?: CopyMode;
}

/** Outcome of a reconciliation. */
export interface Reconciliation {
  /** Complete node trees, sorted. */
  nodes: string[];
  /** Listed nodes whose tree was missing (dropped from the list). */
  missing: string[];
  /** Complete trees that were not listed (an interrupted run finished them; now listed). */
  adopted: string[];
  /** Hidden leftovers deleted. */
  leftovers: string[];
}

/**
 * Deletes a hidden leftover. A killed run's `cp` may still be writing into
 * it (children outlive a SIGKILLed parent): renaming it first makes that
 * copy fail at its next file, and the deletion is retried until it settles.
 */
async function removeLeftover(image: NfsGoldenImage, name: string): Promise<void> {
  const moved = join(image.nodesDir, `${name}-${randomBytes(4).toString('hex')}.removing`);
  await rename(join(image.nodesDir, name), moved);
  for (let attempt = 1; ; attempt += 1) {
    try {
      await removeManagedPath(moved, image.context.paths.managedRoots);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOTEMPTY' || attempt >= 20) throw error;
      await sleep(250);
    }
  }
}

/** A copy-mode probe file left by a process that no longer runs. */
function isStaleProbe(name: string): boolean {
  const pid = probeFilePid(name);
  return pid !== undefined && pid !== process.pid && !pidExists(pid);
}

/**
 * Makes the stored list equal to the complete trees on disk and deletes
 * unfinished copies and half-deleted trees. Saves the data if it changed.
 */
export async function reconcileNodeTrees(image: NfsGoldenImage): Promise<Reconciliation> {
  await mkdir(image.nodesDir, { recursive: true });
  const entries = await readdir(image.nodesDir, { withFileTypes: true });
  const leftovers = entries.filter((e) => /^\..+\.(partial|removing)$/.test(e.name)).map((e) => e.name);
  for (const name of leftovers) await removeLeftover(image, name);
  // The copy-mode probe of a killed command (a plain file, nothing writes into it any more).
  for (const entry of entries) if (entry.isFile() && isStaleProbe(entry.name)) await rm(join(image.nodesDir, entry.name), { force: true });
  const onDisk = new Set(entries.filter((e) => e.isDirectory() && isNodeName(e.name)).map((e) => e.name));
  const listed = new Set(image.nodes);
  const missing = [...listed].filter((n) => !onDisk.has(n));
  const adopted = [...onDisk].filter((n) => !listed.has(n));
  const folded = foldNodeNames(onDisk);
  if (folded !== (image.data.nodes ?? '')) {
    image.data.nodes = folded;
    await image.save();
  }
  return { nodes: [...onDisk].sort(), missing, adopted, leftovers };
}

/** Outcome of {@link addNodeTrees}. */
export interface AddResult {
  added: string[];
  /** Requested nodes that already had a tree. */
  present: string[];
  /** Copy mode used (undefined when there was nothing to copy). */
  mode?: CopyMode;
  jobs?: number;
  /** Folded node set of the image afterwards. */
  nodes: string;
}

async function copyNodeTree(image: NfsGoldenImage, node: string, mode: CopyMode, signal?: AbortSignal): Promise<string> {
  const partial = join(image.nodesDir, partialName(node));
  await rm(partial, { recursive: true, force: true });
  try {
    await copyTree(image.imageTree, partial, { mode, signal });
    await rename(partial, image.nodeTree(node));
  } catch (error) {
    await rm(partial, { recursive: true, force: true });
    throw error;
  }
  return node;
}

/**
 * Gives each of `requested` its own copy of the image tree. Copies run in
 * batches; after each batch the file system is synced and the list saved,
 * so an interruption loses at most the batch in flight, and running the
 * same addition again completes the rest.
 * @throws OperationError E_INTERRUPTED when `signal` fires, E_NODE_COPY when
 * a copy fails (both say how many nodes were added; running again adds the rest).
 */
export async function addNodeTrees(image: NfsGoldenImage, requested: readonly string[], options: NodeTreeOptions = {}): Promise<AddResult> {
  const progress = options.progress ?? silentProgress;
  const { nodes: existing } = await reconcileNodeTrees(image);
  const current = new Set(existing);
  const wanted = [...new Set(requested)];
  const present = wanted.filter((n) => current.has(n));
  const toAdd = wanted.filter((n) => !current.has(n));
  if (toAdd.length === 0) return { added: [], present, nodes: foldNodeNames(current) };
  const mode = options.mode ?? await probeCopyMode(image.nodesDir);
  const jobs = Math.max(1, options.jobs ?? defaultCopyJobs(mode));
  progress({ type: 'log', level: 'info', message: `copy mode: ${mode === 'reflink' ? 'reflink (data blocks shared with the image)' : 'full copy'}, ${jobs} at once` });
  const step = `copy ${countNodes(toAdd.length, 'node tree')}`;
  progress({ type: 'progress', step, done: 0, total: toAdd.length, unit: 'nodes' });
  const added: string[] = [];
  let copiedCount = 0;
  const batchSize = jobs * 4;
  for (let start = 0; start < toAdd.length; start += batchSize) {
    const batch = toAdd.slice(start, start + batchSize);
    // Each finished copy is counted at once: a batch of large trees takes minutes, the bar must move meanwhile.
    const results = await runPool(batch, jobs, async (node) => {
      const copied = await copyNodeTree(image, node, mode, options.signal);
      copiedCount += 1;
      progress({ type: 'progress', step, done: copiedCount, total: toAdd.length, unit: 'nodes' });
      return copied;
    }, options.signal);
    const done = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    if (done.length > 0) {
      // Trees reach the disk before the list names them, so a power cut never lists a half-written tree.
      await run(['sync', '--file-system', image.nodesDir], { timeoutMs: 3_600_000 });
      for (const node of done) current.add(node);
      added.push(...done);
      image.data.nodes = foldNodeNames(current);
      await image.save();
      progress({ type: 'detail', message: `${added.length} of ${countNodes(toAdd.length, 'node tree')} saved` });
    }
    const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (options.signal?.aborted) {
      throw new OperationError('E_INTERRUPTED', `interrupted after adding ${added.length} of ${countNodes(toAdd.length)} (${foldNodeNames(added) || 'none'})`,
        'run the same command again to add the rest');
    }
    if (failure) {
      const reason = failure.reason as Error;
      throw new OperationError('E_NODE_COPY', `copying a node tree failed after ${added.length} of ${countNodes(toAdd.length)}: ${reason.message}`,
        'fix the cause (often a full disk) and run the same command again', { cause: reason });
    }
  }
  return { added, present, mode, jobs, nodes: foldNodeNames(current) };
}

/** Outcome of {@link removeNodeTrees}. */
export interface RemoveResult {
  removed: string[];
  /** Requested nodes the image did not have. */
  absent: string[];
  nodes: string;
}

/**
 * Deletes the trees of `requested` and only those. Each tree is renamed out
 * of sight and the list saved before the (slow) deletion, so an interruption
 * never leaves a listed node without its tree.
 */
export async function removeNodeTrees(image: NfsGoldenImage, requested: readonly string[], options: NodeTreeOptions = {}): Promise<RemoveResult> {
  const { nodes: existing } = await reconcileNodeTrees(image);
  const current = new Set(existing);
  const wanted = [...new Set(requested)];
  const absent = wanted.filter((n) => !current.has(n));
  const toRemove = wanted.filter((n) => current.has(n));
  for (const node of toRemove) {
    await rename(image.nodeTree(node), join(image.nodesDir, removingName(node)));
    current.delete(node);
  }
  image.data.nodes = foldNodeNames(current);
  await image.save();
  const step = `delete ${countNodes(toRemove.length, 'node tree')}`;
  let done = 0;
  await runPool(toRemove, options.jobs ?? 4, async (node) => {
    await removeManagedPath(join(image.nodesDir, removingName(node)), image.context.paths.managedRoots);
    done += 1;
    options.progress?.({ type: 'progress', step, done, total: toRemove.length, unit: 'nodes' });
  });
  return { removed: toRemove, absent, nodes: foldNodeNames(current) };
}
