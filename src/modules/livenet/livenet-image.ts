/**
 * LivenetImage: an OS that nodes download over HTTP at boot and run from RAM
 * (dracut `root=live:`). Its folder holds squashfs.img, boot.ipxe and
 * image_data.yml; its scratch space is `workdir/<name>`.
 */
import type { BuildJournal } from '../../core/image/build-journal.js';
import type { ImageContext } from '../../core/image/context.js';
import { Image, type CheckScope, type ImageClass } from '../../core/image/image.js';
import type { ImageData } from '../../core/image/image-data.js';
import { initramfsName } from '../../core/kernel/kernel-manager.js';
import { removeManagedPath } from '../../core/state/safe-remove.js';
import { unmountTree } from '../../system/mount.js';
import { livenetBootFile } from '../../boot/ipxe.js';
import { SQUASHFS_FILE } from './squashfs.js';
import { buildLivenet, workLayout } from './build.js';
import { initramfsWarnings } from './checks.js';
import { checkSourceUsable, sourceScope } from '../../core/os/source-checks.js';
import { requireKernel } from '../../core/os/recipe-prepare.js';
import { COMPRESSIONS, livenetRecipeAttributes, type Compression, type Layout, type LivenetOptions } from './options.js';
import { prepareLivenet } from './preflight.js';

/**
 * A livenet image as loaded from its `image_data.yml`: boot file (kernel,
 * initramfs, `root=live:` URL of squashfs.img), warnings of its build, and
 * removal of its folder and scratch space. Built by the livenet image class's `create`.
 */
export class LivenetImage extends Image {
  /** Warnings of the last build or check (for the command's output). */
  warnings: string[] = [];

  get layout(): Layout { return this.data.layout === 'flat' ? 'flat' : 'liveos'; }
  get sizeMiB(): number | undefined {
    const size = Number(this.data.livenet_size);
    return Number.isFinite(size) && size > 0 ? size : undefined;
  }
  get isMounted(): boolean { return this.data.is_mounted === true; }
  get compression(): Compression {
    const value = this.data.compression;
    // Images of the original tool were squashed with mksquashfs's default, gzip.
    return (COMPRESSIONS as readonly unknown[]).includes(value) ? value as Compression : 'gzip';
  }

  bootFile(): string {
    const kernel = String(this.data.kernel);
    return livenetBootFile(this.context.paths, {
      name: this.name,
      kernel,
      initramfs: typeof this.data.image === 'string' ? this.data.image : initramfsName(kernel),
      selinux: this.data.selinux === true,
      layout: this.layout,
      squashfsFile: SQUASHFS_FILE,
      defaultConsole: this.context.config.defaultConsole,
    });
  }


  override async onKernelChange(kernel: string): Promise<void> {
    this.warnings = await initramfsWarnings(this.context.paths, kernel);
  }
}

/** Attributes of a freshly built image. */
export function livenetData(name: string, options: LivenetOptions): ImageData {
  return {
    name,
    image_class: 'LivenetImage',
    ...livenetRecipeAttributes(options),
    image: initramfsName(options.kernel),
    is_mounted: false,
  };
}

export const LivenetImageClass: ImageClass<LivenetOptions> = {
  className: 'LivenetImage',
  description: 'OS image that nodes download at boot and run in RAM (dracut root=live:)',

  load(context: ImageContext, data: ImageData): Image {
    return new LivenetImage(context, data);
  },

  async create(context: ImageContext, journal: BuildJournal, name: string, options: LivenetOptions): Promise<Image> {
    // A library caller may call the manager without `prepare`: the kernel is checked again.
    await requireKernel(context, options.kernel);
    const outcome = await buildLivenet(context, name, options, {
      progress: journal.progress,
      signal: journal.signal,
      trackPath: (path) => journal.trackPath(path),
    });
    const image = new LivenetImage(context, livenetData(name, options));
    image.warnings = outcome.warnings;
    return image;
  },

  async clean(context: ImageContext, name: string): Promise<void> {
    const { work } = workLayout(context, name);
    await unmountTree(work);
    await removeManagedPath(work, context.paths.managedRoots);
  },

  ownedPaths(context: ImageContext, name: string): string[] {
    // The work folder holds the tree, the stage and every mount point (mnt) of an edit.
    return [workLayout(context, name).work];
  },

  prepare: prepareLivenet,

  /** The cheap host checks, run again by the manager just before a build registers (packages are checked by `prepare`). */
  async check(context: ImageContext, options: LivenetOptions, scope?: CheckScope): Promise<void> {
    await requireKernel(context, options.kernel);
    await checkSourceUsable(options.source, sourceScope(context.paths, scope?.sourceRoots));
  },
};
