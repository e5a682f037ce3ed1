/**
 * The life cycle of images: list, load, create, remove, clean, change kernel.
 * The CLI, the menu and the REST API all go through this class.
 */
import { mkdir, rm } from 'node:fs/promises';
import { ConflictError, DisklessError, NotFoundError } from '../../errors/index.js';
import type { ProgressSink } from '../progress.js';
import { withLock } from '../state/lock.js';
import { creatorAlive, type InstallationEntry } from '../state/installations.js';
import { fullestFolderError, isDiskFull } from '../state/disk-full.js';
import { identify } from '../state/process-identity.js';
import { trackChildren } from '../../system/runner.js';
import { initramfsName } from '../kernel/kernel-manager.js';
import { BuildJournal } from './build-journal.js';
import type { ImageContext } from './context.js';
import { type AnyImageClass, type Image, type ImageClass } from './image.js';
import type { ImageData } from './image-data.js';
import { loadImageFolder } from './image-folder.js';
import { damagedError, imageFolders, summarizeImage, type ImageSummary } from './image-status.js';
import { undoBuild } from './build-undo.js';
import { requireFreeName } from './creation.js';
import { ImageEvents } from './image-events.js';
import { isImageName, validateImageName, validateKernelName } from '../names.js';
import { UnknownImage } from './unknown-image.js';

export type { ImageSummary } from './image-status.js';
export type { ChangeListener, NoticeListener, RemovalGuard } from './image-events.js';

/** Options of {@link ImageManager.create}. */
export interface CreateOptions {
  progress?: ProgressSink;
  signal?: AbortSignal;
}

/** The one front door for images (CLI, menu, API): list, status, load, create, remove, clean, set kernel; names checked first. */
export class ImageManager extends ImageEvents {
  constructor(readonly context: ImageContext, private readonly classes: ReadonlyMap<string, AnyImageClass>) {
    super();
  }

  /** Creates the tool's folders if missing. */
  async ensureLayout(): Promise<void> {
    for (const dir of this.context.paths.requiredDirs) await mkdir(dir, { recursive: true });
  }

  /** The image class registered under `className`, if its module is loaded. */
  imageClass(className: string): AnyImageClass | undefined {
    return this.classes.get(className);
  }

  /** Every image: created ones, builds in progress and corrupted leftovers. */
  async list(): Promise<ImageSummary[]> {
    // Folders first, then the registry: a build registers itself before it
    // makes its folder, so a folder seen here without an entry is never a
    // build that started in between.
    const folders = await imageFolders(this.context.paths.imagesDir);
    const entries = await this.readEntriesForListing();
    // An entry whose name is not a valid image name was not made by this tool: never a path.
    const names = [...new Set([...folders, ...Object.keys(entries).filter(isImageName)])].sort();
    const summaries = await Promise.all(names.map((name) => summarizeImage(this.context.paths, this.classes, name, entries[name])));
    return summaries.filter((summary): summary is ImageSummary => summary !== undefined);
  }

  /** Build entries; a damaged registry is reported and read as empty, so listings still answer. */
  private async readEntriesForListing(): Promise<Record<string, InstallationEntry>> {
    try {
      return await this.context.installations.read();
    } catch (error) {
      if (!(error instanceof DisklessError) || error.code !== 'E_STATE_FILE_INVALID') throw error;
      this.notice(error.oneLine);
      return {};
    }
  }

  /** Status of one image; throws E_IMAGE_NOT_FOUND if it does not exist at all. */
  async status(name: string): Promise<ImageSummary> {
    validateImageName(name);
    const summary = await summarizeImage(this.context.paths, this.classes, name, (await this.readEntriesForListing())[name]);
    if (!summary) throw this.notFound(name);
    return summary;
  }

  private notFound(name: string): NotFoundError {
    return new NotFoundError('E_IMAGE_NOT_FOUND', `image "${name}" does not exist`, 'list images with `disklessset image list`');
  }
  /** Loads a CREATED image. */
  async get(name: string): Promise<Image> {
    const summary = await this.status(name);
    if (summary.status !== 'CREATED') {
      throw new ConflictError('E_IMAGE_NOT_READY', `image "${name}" is ${summary.status}${summary.reason ? ` (${summary.reason})` : ''}`,
        { CORRUPTED: `clean it with \`disklessset image clean ${name}\``, DAMAGED: `restore the file, or remove the image with \`disklessset image remove ${name} --force\``,
          IN_CREATION: 'wait for its creation to finish', CREATED: '' }[summary.status]);
    }
    return this.instantiate(await this.loadData(name));
  }

  private instantiate(data: ImageData): Image {
    const imageClass = this.classes.get(data.image_class);
    return imageClass ? imageClass.load(this.context, data) : new UnknownImage(this.context, data);
  }

  /**
   * Creates an image with the class `className`. The name is registered in
   * installations.yml first; any failure cleans what the build left.
   */
  async create<Options>(className: string, name: string, options: Options, createOptions: CreateOptions = {}): Promise<Image> {
    validateImageName(name);
    const imageClass = this.classes.get(className) as ImageClass<Options> | undefined;
    if (!imageClass) throw new NotFoundError('E_CLASS_NOT_FOUND', `no loaded module provides ${className}`, 'see `disklessset module list`');
    await imageClass.check?.(this.context, options);
    await this.ensureLayout();
    await this.cleanCorrupted();
    const imageDir = this.context.paths.imageDir(name);
    // Under the registry's lock, so two creations of one name cannot both pass.
    await this.context.installations.begin(name, className, () => requireFreeName(this.context, name));
    const journal = new BuildJournal(name, this.context.installations, createOptions.progress, createOptions.signal);
    try {
      await journal.makeDir(imageDir);
      // Every command the build runs is journaled, so cleaning a killed build can stop it first.
      const image = await trackChildren((pid) => this.context.installations.recordChild(name, identify(pid)),
        () => imageClass.create(this.context, journal, name, options));
      image.data.name = name;
      image.data.image_class = className;
      image.data.creation_date ??= new Date().toISOString().slice(0, 10);
      await image.writeBootFile();
      await image.save();
      await this.context.installations.remove(name);
      return image;
    } catch (error) {
      await undoBuild(this.context, this.classes, name, (text) => this.notice(text)).catch(() => { /* the entry stays, so the next command cleans again */ });
      if (isDiskFull(error) && (error as { code?: string }).code !== 'E_NO_SPACE') {
        const { paths } = this.context;
        throw fullestFolderError({ workDir: paths.workDir, imagesDir: paths.imagesDir, nfsImagesDir: paths.nfsImagesDir, stateDir: paths.stateDir }, error);
      }
      throw error;
    } finally {
      await this.notify(name, 'created');
    }
  }

  /** Runs `action` holding the image's own lock (removal, resize, mount...). */
  async withImageLock<T>(name: string, action: () => Promise<T>): Promise<T> {
    return withLock(this.context.paths.imageLock(name), action, { timeoutMs: 5_000 });
  }

  /**
   * Cleans every CORRUPTED image (a build or removal whose process is gone),
   * announcing each through the notice listeners; returns their names. One
   * that cannot be cleaned now is reported and left for a later command.
   */
  async cleanCorrupted(): Promise<string[]> {
    // Changing commands need the registry: a damaged one stops them here, in one line.
    const entries = await this.context.installations.read();
    const corrupted = Object.keys(entries).filter((name) => isImageName(name) && !creatorAlive(entries[name] as InstallationEntry)).sort();
    const cleaned: string[] = [];
    for (const name of corrupted) {
      const what = entries[name]?.operation === 'removal' ? 'killed removal' : 'killed build';
      try {
        await this.clean(name);
        cleaned.push(name);
        this.notice(`cleaned leftovers of ${what} ${name}`);
      } catch (error) {
        // Another process is cleaning it, or it changed state meanwhile: not ours to finish.
        if (error instanceof ConflictError || error instanceof NotFoundError) continue;
        if (!(error instanceof DisklessError)) throw error;
        this.notice(`could not clean leftovers of ${what} ${name}: ${error.oneLine}`);
      }
    }
    return cleaned;
  }

  /**
   * Removes every file an image may have, without needing it to load.
   * Refused for an image being created; a DAMAGED image, or a CREATED one
   * that nodes boot (removal guards), needs `force`.
   */
  async clean(name: string, options: { force?: boolean } = {}): Promise<void> {
    const summary = await this.status(name);
    if (summary.status === 'IN_CREATION') {
      throw new ConflictError('E_IMAGE_BUSY', `image "${name}" is being created by pid ${summary.pid}`, 'wait for it or stop that process');
    }
    if (summary.status === 'DAMAGED' && !options.force) throw damagedError(summary);
    if (summary.status === 'CREATED' && !options.force) await this.checkRemovalGuards(name);
    try {
      await this.withImageLock(name, async () => {
        if (summary.status === 'CREATED') await this.instantiate(await this.loadData(name)).removeFiles().catch(() => undefined);
        // A DAMAGED image's class is unknown: every class cleans what it would have named after it.
        await undoBuild(this.context, summary.status === 'DAMAGED' ? [...this.classes.values()] : this.classes, name,
          (text) => this.notice(text));
      });
    } finally {
      await this.notify(name, 'cleaned');
    }
  }

  private loadData(name: string): Promise<ImageData> {
    return loadImageFolder(this.context.paths, name);
  }

  /**
   * Removes a CREATED image (a CORRUPTED one is cleaned). `force` skips removal
   * guards, and is needed for a DAMAGED image. The removal is registered like
   * a build, so a removal killed half-way is finished by the next command.
   */
  async remove(name: string, options: { force?: boolean } = {}): Promise<void> {
    validateImageName(name);
    await this.cleanCorrupted();
    const summary = await this.status(name);
    if (summary.status !== 'CREATED') {
      await this.clean(name, options);
      return;
    }
    if (!options.force) await this.checkRemovalGuards(name);
    try {
      await this.withImageLock(name, async () => {
        const image = await this.get(name);
        await this.context.installations.beginRemoval(name, image.imageClass);
        await image.removeFiles();
        await rm(this.context.paths.imageDir(name), { recursive: true, force: true });
        await this.context.installations.remove(name);
      });
    } finally {
      await this.notify(name, 'removed');
    }
  }

  /** Makes an image boot another (available) kernel: rewrites boot file and data. */
  async setKernel(name: string, kernel: string): Promise<Image> {
    validateImageName(name);
    validateKernelName(kernel);
    await this.cleanCorrupted();
    return this.withImageLock(name, async () => {
      const image = await this.get(name);
      if (!image.usesKernel) {
        throw new ConflictError('E_IMAGE_NO_KERNEL', `image "${name}" (${image.imageClass}) does not boot a kernel`, 'pick a livenet or NFS image');
      }
      await this.context.kernels.requireAvailable(kernel);
      image.data.kernel = kernel;
      image.data.image = initramfsName(kernel);
      await image.onKernelChange(kernel);
      await image.writeBootFile();
      await image.save();
      return image;
    });
  }
}
