/**
 * The reading side of the image manager: which images exist, their status,
 * and loading a CREATED one. Split from `ImageManager` (the life cycle) so
 * each file holds one concern; `ImageManager` extends it.
 */
import { mkdir } from 'node:fs/promises';
import { ConflictError, DisklessError, NotFoundError } from '../../errors/index.js';
import { withLock } from '../state/lock.js';
import type { InstallationEntry } from '../state/installations.js';
import type { ImageContext } from './context.js';
import type { AnyImageClass, Image } from './image.js';
import type { ImageData } from './image-data.js';
import { loadImageFolder } from './image-folder.js';
import { imageFolders, summarizeImage, type ImageSummary } from './image-status.js';
import { ImageEvents } from './image-events.js';
import { isImageName, validateImageName } from '../names.js';
import { UnknownImage } from './unknown-image.js';

/**
 * Lists, inspects and loads images. Names given by callers pass the name
 * gate (`validateImageName`) before any path is built from them.
 */
export class ImageCatalog extends ImageEvents {
  /**
   * @param context locations, configuration, registry and kernels of one root.
   * @param classes the loaded image classes by class name (`LivenetImage`...).
   */
  constructor(readonly context: ImageContext, protected readonly classes: ReadonlyMap<string, AnyImageClass>) {
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

  /**
   * Every image: created ones, builds in progress and corrupted leftovers,
   * sorted by name. A damaged `installations.yml` is reported as a notice and
   * read as empty, so a listing always answers.
   */
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

  /**
   * Status of one image.
   * @throws UsageError E_IMAGE_NAME when `name` is not a valid image name.
   * @throws NotFoundError E_IMAGE_NOT_FOUND when no folder or build entry has that name.
   */
  async status(name: string): Promise<ImageSummary> {
    validateImageName(name);
    const summary = await summarizeImage(this.context.paths, this.classes, name, (await this.readEntriesForListing())[name]);
    if (!summary) {
      throw new NotFoundError('E_IMAGE_NOT_FOUND', `image "${name}" does not exist`, 'list images with `disklessset image list`');
    }
    return summary;
  }

  /**
   * Loads a CREATED image (an `UnknownImage` when its module is not loaded).
   * @throws UsageError E_IMAGE_NAME, NotFoundError E_IMAGE_NOT_FOUND (see {@link status}).
   * @throws ConflictError E_IMAGE_NOT_READY when the image is IN_CREATION, CORRUPTED or DAMAGED.
   */
  async get(name: string): Promise<Image> {
    const summary = await this.status(name);
    if (summary.status !== 'CREATED') {
      throw new ConflictError('E_IMAGE_NOT_READY', `image "${name}" is ${summary.status}${summary.reason ? ` (${summary.reason})` : ''}`,
        { CORRUPTED: `clean it with \`disklessset image clean ${name}\``, DAMAGED: `restore the file, or remove the image with \`disklessset image remove ${name} --force\``,
          IN_CREATION: 'wait for its creation to finish', CREATED: '' }[summary.status]);
    }
    return this.instantiate(await loadImageFolder(this.context.paths, name));
  }

  /** The object of an image from its loaded attributes. */
  protected instantiate(data: ImageData): Image {
    const imageClass = this.classes.get(data.image_class);
    return imageClass ? imageClass.load(this.context, data) : new UnknownImage(this.context, data);
  }

  /**
   * Runs `action` holding the image's own lock (removal, rebuild, resize, mount...).
   * @throws ConflictError E_LOCK_TIMEOUT when a live process holds it for more than 5 s.
   */
  async withImageLock<T>(name: string, action: () => Promise<T>): Promise<T> {
    return withLock(this.context.paths.imageLock(name), action, { timeoutMs: 5_000 });
  }
}
