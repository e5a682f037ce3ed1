/**
 * The life cycle of images: create, rebuild, remove, clean, change kernel.
 * The CLI, the menu and the REST API all go through this class; reading
 * (list, status, load) is inherited from `ImageCatalog`.
 */
import { ConflictError, DisklessError, NotFoundError, UsageError } from '../../errors/index.js';
import { creatorAlive, type InstallationEntry } from '../state/installations.js';
import { fullestFolderError, isDiskFull } from '../state/disk-full.js';
import { identify } from '../state/process-identity.js';
import { trackChildren } from '../../system/runner.js';
import { initramfsName } from '../kernel/kernel-manager.js';
import { countNodes, foldNodes } from '../../nodeset/index.js';
import { BuildJournal } from './build-journal.js';
import type { AnyImageClass, Image, ImageClass, RebuildOperation, RebuildOutcome } from './image.js';
import { damagedError } from './image-status.js';
import { undoBuild } from './build-undo.js';
import { requireFreeName } from './creation.js';
import { ImageCatalog } from './image-catalog.js';
import { imageHistory, rollbackImage, validateRollbackImage, type RollbackOutcome, type VersionEntry } from './version-operations.js';
import type { CreateOptions, RemovalOutcome } from './image-operations.js';
import { isImageName, parseImageReference, validateImageName, validateKernelName } from '../names.js';
import { repairVersions } from './version-repair.js';

export type { ImageSummary } from './image-status.js';
export type { ChangeEffects, ChangeListener, NoticeListener, RemovalGuard } from './image-events.js';
export type { CreateOptions, RemovalOutcome } from './image-operations.js';

/**
 * The one front door for changing images (CLI, menu, API): create, rebuild,
 * remove, clean, set kernel. Each checks its input (names first) before
 * anything is written, and runs the change listeners afterwards.
 */
export class ImageManager extends ImageCatalog {
  /**
   * Creates an image with the class `className`. The name is registered in
   * installations.yml first; any failure cleans what the build left.
   * @throws UsageError E_IMAGE_NAME; NotFoundError E_CLASS_NOT_FOUND;
   * ConflictError E_IMAGE_EXISTS, E_LOCK_TIMEOUT; and whatever the class's
   * `check` and `create` throw (its options' codes, commands' CommandError).
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

  /**
   * Builds a CREATED image again from the recipe it keeps, through its class's
   * `rebuild` hook (nodes keep booting the old image until the new one is
   * published). The one rebuild path of the CLI, the menu and the API.
   * @throws UsageError E_IMAGE_NAME, E_NOT_REBUILDABLE (not CREATED, or its class keeps no recipe); NotFoundError E_IMAGE_NOT_FOUND;
   *   whatever the class's hook throws.
   * @returns warnings of the new build (one line each); for a versioned image, the version and whether the build changed nothing.
   */
  async rebuild(name: string, operation: RebuildOperation = {}): Promise<RebuildOutcome> {
    validateImageName(name);
    await this.cleanCorrupted();
    const rebuild = await this.rebuildHook(name);
    return rebuild({ images: this }, name, operation);
  }

  /** Kept versions of an image (`NAME`), newest first, or one of them (`NAME@VERSION`); see version-operations.ts. */
  async history(reference: string): Promise<VersionEntry[]> {
    await this.repairVersionRecords(parseImageReference(reference).name);
    return imageHistory(this, reference);
  }

  /**
   * Reads the version records of image `name` before a command relies on
   * them: an unreadable one is named through the notice listeners, its
   * version removed unless current or pinned (see version-repair.ts).
   * @throws UsageError E_IMAGE_NAME.
   */
  async repairVersionRecords(name: string): Promise<void> {
    validateImageName(name);
    for (const text of await repairVersions(this.context.paths, name)) this.notice(text);
  }

  /**
   * Puts back a kept version (`to`: an id or `previous`), after cleaning killed builds; see {@link rollbackImage}.
   * @throws the codes of {@link rollbackImage}.
   */
  async rollback(name: string, to: string): Promise<RollbackOutcome> {
    validateRollbackImage(name);
    await this.cleanCorrupted();
    await this.repairVersionRecords(name);
    return rollbackImage(this, name, to);
  }

  /**
   * Checks, without changing anything, that {@link rebuild} would start (the
   * API answers 422 before starting a job).
   * @throws UsageError E_IMAGE_NAME, E_NOT_REBUILDABLE; NotFoundError E_IMAGE_NOT_FOUND.
   */
  async requireRebuildable(name: string): Promise<void> {
    await this.rebuildHook(name);
  }

  private async rebuildHook(name: string): Promise<NonNullable<AnyImageClass['rebuild']>> {
    const summary = await this.status(name);
    const imageClass = summary.image_class ? this.classes.get(summary.image_class) : undefined;
    if (summary.status !== 'CREATED' || !imageClass?.rebuild) {
      throw new UsageError('E_NOT_REBUILDABLE', `image "${name}" (${summary.image_class ?? 'unknown class'}, ${summary.status}) cannot be rebuilt`,
        'only CREATED images of classes that keep a recipe (livenet) can be rebuilt');
    }
    return imageClass.rebuild.bind(imageClass);
  }

  /**
   * Cleans every CORRUPTED image (a build or removal whose process is gone),
   * announcing each through the notice listeners, with the nodes it
   * unassigned; returns their names. One that cannot be cleaned now is
   * reported and left for a later command.
   * @throws OperationError E_STATE_FILE_INVALID when installations.yml cannot be read.
   */
  async cleanCorrupted(): Promise<string[]> {
    // Changing commands need the registry: a damaged one stops them here, in one line.
    const entries = await this.context.installations.read();
    const corrupted = Object.keys(entries).filter((name) => isImageName(name) && !creatorAlive(entries[name] as InstallationEntry)).sort();
    const cleaned: string[] = [];
    for (const name of corrupted) {
      const what = entries[name]?.operation === 'removal' ? 'killed removal' : 'killed build';
      try {
        const { unassigned } = await this.clean(name);
        cleaned.push(name);
        this.notice(`cleaned leftovers of ${what} ${name}${unassigned.length ? `; unassigned ${countNodes(unassigned.length)} that booted it: ${foldNodes(unassigned)}` : ''}`);
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
   * Removes every file an image may have, without needing it to load
   * (`undoBuild`: journaled paths, the class's own locations, the image
   * folder once). A DAMAGED image, or a CREATED one that nodes boot, needs `force`.
   * @throws UsageError E_IMAGE_NAME; NotFoundError E_IMAGE_NOT_FOUND; ConflictError E_IMAGE_BUSY (being created),
   *   E_IMAGE_DAMAGED (DAMAGED without `force`), E_IMAGE_BOOTED (nodes boot it, without `force`), E_LOCK_TIMEOUT.
   * @returns the nodes that booted it and were unassigned.
   */
  async clean(name: string, options: { force?: boolean } = {}): Promise<RemovalOutcome> {
    const summary = await this.status(name);
    if (summary.status === 'IN_CREATION') {
      throw new ConflictError('E_IMAGE_BUSY', `image "${name}" is being created by pid ${summary.pid}`, 'wait for it or stop that process');
    }
    if (summary.status === 'DAMAGED' && !options.force) throw damagedError(summary);
    if (summary.status === 'CREATED' && !options.force) await this.checkRemovalGuards(name);
    let outcome: RemovalOutcome = { unassigned: [] };
    try {
      // A DAMAGED image's class is unknown: every class cleans what it would have named after it.
      await this.withImageLock(name, () => undoBuild(this.context, summary.status === 'DAMAGED' ? [...this.classes.values()] : this.classes,
        name, (text) => this.notice(text)));
    } finally {
      outcome = await this.notify(name, 'cleaned');
    }
    return outcome;
  }

  /**
   * Removes a CREATED image (a CORRUPTED one is cleaned). `force` skips removal
   * guards, and is needed for a DAMAGED image. The removal is registered like
   * a build, so a removal killed half-way is finished by the next command;
   * the files go in one place (`undoBuild`), the image folder once.
   * @throws see {@link clean}; ConflictError E_IMAGE_NOT_READY when the image changed status meanwhile.
   * @returns the nodes that booted it and were unassigned (only possible with `force`).
   */
  async remove(name: string, options: { force?: boolean } = {}): Promise<RemovalOutcome> {
    validateImageName(name);
    await this.cleanCorrupted();
    const summary = await this.status(name);
    if (summary.status !== 'CREATED') return this.clean(name, options);
    if (!options.force) await this.checkRemovalGuards(name);
    let outcome: RemovalOutcome = { unassigned: [] };
    try {
      await this.withImageLock(name, async () => {
        const image = await this.get(name);
        await this.context.installations.beginRemoval(name, image.imageClass);
        await undoBuild(this.context, this.classes, name, (text) => this.notice(text));
      });
    } finally {
      outcome = await this.notify(name, 'removed');
    }
    return outcome;
  }

  /**
   * Makes an image boot another (available) kernel: rewrites boot file and data.
   * @throws UsageError E_IMAGE_NAME, E_KERNEL_NAME, E_KERNEL_UNAVAILABLE;
   * NotFoundError E_IMAGE_NOT_FOUND, E_KERNEL_NOT_FOUND; ConflictError
   * E_IMAGE_NO_KERNEL (a class that boots no kernel), E_IMAGE_NOT_READY,
   * E_LOCK_TIMEOUT.
   */
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
