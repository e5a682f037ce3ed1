/**
 * The abstract `Image` every image class extends, and the static side of an
 * image class (`ImageClass`) that modules export. Constructing an image object
 * never touches the disk: loading and creating go through `ImageManager`.
 */
import { join } from 'node:path';
import { writeFileAtomic } from '../state/atomic-file.js';
import type { ImageContext } from './context.js';
import { saveImageData, type ImageData } from './image-data.js';
import type { BuildJournal } from './build-journal.js';
import type { ProgressSink } from '../progress.js';
import type { OsOrigin } from '../os/recipe-table.js';

/**
 * What a rebuild hook may use of the image manager: its context, loading and
 * the per-image lock. `ImageManager` fulfils it; declared here so an image
 * class never names the manager (which imports this file).
 */
export interface ImageAccess {
  readonly context: ImageContext;
  get(name: string): Promise<Image>;
  withImageLock<T>(name: string, action: () => Promise<T>): Promise<T>;
}

/** What {@link ImageClass.rebuild} is handed (any `CoreServices` fits). */
export interface RebuildServices {
  readonly images: ImageAccess;
}

/** What a rebuild reports: its warnings, and for a versioned image the version now booted and whether it is the one booted before. */
export interface RebuildOutcome {
  warnings: string[];
  version?: string;
  /** The build gave the very bytes published already: no new version was kept. */
  unchanged?: boolean;
}

/** File names inside an image folder. */
export const IMAGE_DATA_FILE = 'image_data.yml';
export const BOOT_FILE = 'boot.ipxe';

/** Base class of all images. */
export abstract class Image {
  constructor(readonly context: ImageContext, public data: ImageData) {}

  get name(): string { return this.data.name; }
  get imageClass(): string { return this.data.image_class; }
  /** What users call this kind of image, with its article, for messages (`an NFS staging image`); classes name themselves. */
  get kindPhrase(): string { return `an image of class ${this.imageClass}`; }

  /** Folder of the image in the HTTP tree. */
  get imageDirectory(): string { return this.context.paths.imageDir(this.name); }

  /** Text of the image's iPXE boot file, or undefined if the image does not boot. */
  abstract bootFile(): string | undefined;

  /** Saves the attributes atomically. */
  async save(): Promise<void> {
    await saveImageData(join(this.imageDirectory, IMAGE_DATA_FILE), this.data);
  }

  /** (Re)writes `boot.ipxe` by rename, so a booting node never reads half a file. */
  async writeBootFile(): Promise<void> {
    const content = this.bootFile();
    if (content !== undefined) await writeFileAtomic(join(this.imageDirectory, BOOT_FILE), content, 0o644);
  }

  /** Whether the image boots with one of the managed kernels. */
  get usesKernel(): boolean { return typeof this.data.kernel === 'string'; }

  /**
   * Hook run when the image's kernel changes, after the data is updated and
   * before boot file and data are saved (e.g. a module may check initramfs content).
   */
  async onKernelChange(_kernel: string): Promise<void> {}

  /**
   * Nodes of `nodes` that cannot boot this image yet because the image keeps
   * one root per node and has none for them (NFS golden images); default none.
   */
  nodesWithoutRoot(_nodes: readonly string[]): string[] { return []; }

  /** The command line (without the program name) that creates the roots of `nodeSet`, for messages. */
  nodeRootCommand(_nodeSet: string): string | undefined { return undefined; }

  /**
   * Creates the roots of `nodes` (caller holds the image lock); default: nothing to create.
   * @throws OperationError when a copy fails (roots already made stay; running again completes them).
   */
  async createNodeRoots(_nodes: readonly string[], _options: { progress?: ProgressSink; signal?: AbortSignal }): Promise<void> {}
}

/** Limits of {@link ImageClass.check} that depend on who asks. */
export interface CheckScope {
  /** Folders that paths on the server named in the options must lie in (API requests). */
  sourceRoots?: readonly string[];
}

/** Who asks for a creation (see {@link ImageClass.prepare}). */
export interface CreationRequest extends CheckScope {
  /**
   * `cli`: command line and spec files, in the user's own process (files of
   * this host may be named). `api`: an API body, built inside the long-lived
   * server process (no server file is read on its behalf).
   */
  origin: OsOrigin;
  /** Reads stdin (`--password-stdin`); CLI only. */
  readStdin?: () => Promise<string>;
  signal?: AbortSignal;
}

/** The static side of an image class, as modules export it. */
export interface ImageClass<Options = Record<string, unknown>> {
  /** Class name stored as `image_class` (e.g. `LivenetImage`). */
  readonly className: string;
  /** One line shown in module listings. */
  readonly description?: string;
  /** Whether nodes can fetch its root image peer-to-peer (the node attribute `p2p`); absent: they cannot, and `p2p` has no effect. */
  readonly peerToPeer?: boolean;
  /** Builds the object of an existing image from its loaded attributes. */
  load(context: ImageContext, data: ImageData): Image;
  /**
   * Builds a new image. Runs after the name is registered in installations.yml;
   * every path or mount it creates must be recorded in `journal` first. It
   * need not repeat `check`: the manager ran it on these options just before.
   * Returns the image with its attributes set (the manager saves them).
   */
  create(context: ImageContext, journal: BuildJournal, name: string, options: Options): Promise<Image>;
  /**
   * Removes whatever a (possibly half-finished) build of `name` left that the
   * journal does not cover. Must succeed when nothing exists.
   */
  clean(context: ImageContext, name: string): Promise<void>;
  /**
   * Locations outside the image folder and its work folder that belong to the
   * image `name` alone (files or folders, physical paths from `context.paths`).
   * Undoing a build deletes a journaled path or mount point only inside the
   * image folder, the work folder or one of these; throws E_IMAGE_NAME.
   */
  ownedPaths?(context: ImageContext, name: string): string[];
  /** Validates raw options (from the API or a spec file) into typed ones; throws UsageError. */
  parseOptions?(raw: Record<string, unknown>): Options;
  /**
   * Turns raw options into checked ones for a creation: parses them, reads
   * what they name, and runs every check that can fail before the build is
   * registered (its `check` included). The CLI's create command and the API
   * both reach it through `prepareCreation` (creation.ts). Without it,
   * `parseOptions` then `check` are used. Throws UsageError.
   */
  prepare?(context: ImageContext, raw: Record<string, unknown>, request: CreationRequest): Promise<Options>;
  /**
   * Checks of parsed options against the host (kernel available, source
   * usable...). The manager runs it before the name is registered, the API
   * before it answers, so bad input changes nothing. `scope.sourceRoots`
   * (API requests) confines tar:/dir: sources to those folders.
   */
  check?(context: ImageContext, options: Options, scope?: CheckScope): Promise<void>;
  /**
   * Rebuilds an existing image from the recipe it keeps, replacing what nodes
   * boot only once the new build is complete (optional). Called by
   * `ImageManager.rebuild` only, once the image is known to be CREATED.
   */
  rebuild?(services: RebuildServices, name: string, operation: RebuildOperation): Promise<RebuildOutcome>;
}

/** How a rebuild runs: progress, cancel, and the inputs a recipe never keeps. */
export interface RebuildOperation {
  progress?: ProgressSink;
  signal?: AbortSignal;
  /** A containers auth.json for this rebuild's registry (CLI only): checked like at creation, never stored nor printed. */
  registryAuth?: string;
  /** The command that asks, as the version history records it (program name left out); default `image rebuild NAME`. */
  command?: string;
}

/** An image class of any options type (the options are checked by its own `parseOptions`). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyImageClass = ImageClass<any>;
