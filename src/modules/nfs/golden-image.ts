/**
 * NfsGoldenImage: a frozen copy of a staging image in
 * `nfsimages/golden/<name>/image`, from which each node gets its own writable
 * tree `nodes/<node>`. One boot file serves every node, picking its tree by
 * `${hostname}`.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ConflictError, NotFoundError, UsageError } from '../../errors/index.js';
import type { ImageContext } from '../../core/image/context.js';
import type { BuildJournal } from '../../core/image/build-journal.js';
import { Image, type ImageClass } from '../../core/image/image.js';
import type { ImageData } from '../../core/image/image-data.js';
import { loadImageFolder } from '../../core/image/image-folder.js';
import { validateImageName } from '../../core/names.js';
import { StepReporter } from '../../core/progress.js';
import { requireKnownKeys } from '../../core/raw-options.js';
import { removeManagedPath } from '../../core/state/safe-remove.js';
import { initramfsName } from '../../core/kernel/kernel-manager.js';
import { copyTree, probeCopyMode } from '../../system/copy-tree.js';
import { customizeTree, imageOsRelease } from '../../core/os/customize.js';
import { nfsBootFile } from '../../boot/ipxe.js';
import { goldenImageTree, goldenNodesDir, goldenRoot, logicalGoldenNodesDir, stagingTree } from './nfs-layout.js';
import { expandStoredNodes } from './stored-node-lists.js';
import { addNodeTrees } from './node-trees.js';
import type { ProgressSink } from '../../core/progress.js';
import { STAGING_CLASS } from './staging-image.js';

export const GOLDEN_CLASS = 'NfsGoldenImage';

/** What a golden image is made from. */
export interface GoldenOptions {
  /** Name of a created staging image. */
  from: string;
}

/** A golden NFS image as loaded from its data: the node list and one boot file for all its nodes. */
export class NfsGoldenImage extends Image {
  override get kindPhrase(): string { return 'an NFS golden image'; }
  /** Physical folder owning all trees of the image. */
  get root(): string { return goldenRoot(this.context.paths, this.name); }
  /** Physical folder of the reference tree. */
  get imageTree(): string { return goldenImageTree(this.context.paths, this.name); }
  /** Physical folder of the node trees. */
  get nodesDir(): string { return goldenNodesDir(this.context.paths, this.name); }
  /** Physical folder of one node's tree. */
  nodeTree(node: string): string { return join(this.nodesDir, node); }
  /** Node names as stored in the data (expanded). */
  get nodes(): string[] { return expandStoredNodes(this.data.nodes); }

  /** A node without its tree would find no root to mount over NFS. */
  override nodesWithoutRoot(nodes: readonly string[]): string[] {
    const present = new Set(this.nodes);
    return nodes.filter((node) => !present.has(node));
  }

  override nodeRootCommand(nodeSet: string): string {
    return `nfs nodes add ${this.name} '${nodeSet}'`;
  }

  override async createNodeRoots(nodes: readonly string[], options: { progress?: ProgressSink; signal?: AbortSignal }): Promise<void> {
    await addNodeTrees(this, nodes, options);
  }

  bootFile(): string | undefined {
    if (typeof this.data.kernel !== 'string') return undefined;
    return nfsBootFile({
      paths: this.context.paths, imageName: this.name, kind: 'golden',
      kernel: this.data.kernel, initramfs: String(this.data.image ?? initramfsName(this.data.kernel)),
      nfsRoot: logicalGoldenNodesDir(this.context.paths, this.name), perNode: true,
      defaultConsole: this.context.config.defaultConsole,
    });
  }
}

/** Loads the data of the staging image a golden image is made from, checking it may be copied. */
async function stagingSource(context: ImageContext, from: string): Promise<ImageData> {
  const entry = (await context.installations.read())[from];
  if (entry) throw new ConflictError('E_IMAGE_NOT_READY', `staging image "${from}" is not fully created`, 'wait for it or clean it');
  const data = await loadImageFolder(context.paths, from).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new NotFoundError('E_IMAGE_NOT_FOUND', `image "${from}" does not exist`, 'list staging images with `disklessset image list`');
    }
    throw error;
  });
  if (data.image_class !== STAGING_CLASS) {
    throw new UsageError('E_NOT_STAGING', `image "${from}" is not an NFS staging image`, 'give a staging image');
  }
  return data;
}

export const NfsGoldenImageClass: ImageClass<GoldenOptions> = {
  className: GOLDEN_CLASS,
  description: 'frozen copy of a staging image with one writable NFS root per node',

  load(context: ImageContext, data: ImageData): Image {
    return new NfsGoldenImage(context, data);
  },

  async create(context: ImageContext, journal: BuildJournal, name: string, options: GoldenOptions): Promise<Image> {
    const steps = new StepReporter(journal.progress, 3);
    const staging = await stagingSource(context, options.from);
    const source = stagingTree(context.paths, options.from);
    // No image owns a leftover folder of this name (the manager checked): start from nothing.
    await removeManagedPath(goldenRoot(context.paths, name), context.paths.managedRoots);
    const root = await journal.makeDir(goldenRoot(context.paths, name));
    await mkdir(goldenNodesDir(context.paths, name));
    const mode = await probeCopyMode(root);
    steps.step(`copy staging image ${options.from} (${mode === 'reflink' ? 'reflink: blocks shared' : 'full copy'})`);
    await copyTree(source, goldenImageTree(context.paths, name), { mode, signal: journal.signal });
    journal.checkAborted();
    // The copy says it is the staging image: the golden image's own name goes in (os-release is replaced, the staging tree is untouched).
    steps.step('set image identity');
    await customizeTree(goldenImageTree(context.paths, name), { osRelease: imageOsRelease(name, String(staging.kernel)) });
    steps.step('write boot file');
    return new NfsGoldenImage(context, {
      name, image_class: GOLDEN_CLASS, kernel: staging.kernel, image: staging.image,
      password: staging.password, release_version: staging.release_version ?? null,
      staging_image: options.from, nodes: '',
    });
  },

  async clean(context: ImageContext, name: string): Promise<void> {
    await removeManagedPath(goldenRoot(context.paths, name), context.paths.managedRoots);
  },

  ownedPaths(context: ImageContext, name: string): string[] {
    // The reference tree and every node tree live under the golden root.
    return [goldenRoot(context.paths, name)];
  },

  parseOptions(raw: Record<string, unknown>): GoldenOptions {
    requireKnownKeys(raw, ['from'], 'the golden image options');
    if (typeof raw.from !== 'string' || raw.from === '') {
      throw new UsageError('E_GOLDEN_FROM', 'a golden image is made from a staging image', 'pass --from STAGING');
    }
    // The source is an image name too: checked here, before the new image is registered.
    return { from: validateImageName(raw.from) };
  },
};
