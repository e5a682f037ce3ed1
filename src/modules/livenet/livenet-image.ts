/**
 * LivenetImage: an OS that nodes download over HTTP at boot and run from RAM
 * (dracut `root=live:`). Its folder holds squashfs.img, boot.ipxe and
 * image_data.yml; its scratch space is `workdir/<name>`.
 */
import { Image } from '../../core/image/image.js';
import type { ImageData } from '../../core/image/image-data.js';
import { initramfsName } from '../../core/kernel/kernel-manager.js';
import { livenetBootFile } from '../../boot/ipxe.js';
import { SQUASHFS_FILE } from './squashfs.js';
import { initramfsWarnings } from './checks.js';
import { COMPRESSIONS, livenetRecipeAttributes, type Compression, type Layout, type LivenetOptions } from './options.js';

/**
 * A livenet image as loaded from its `image_data.yml`: boot file (kernel,
 * initramfs, `root=live:` URL of squashfs.img), warnings of its build, and
 * its layout and sizes. Built by the livenet image class's `create` (`livenet-class.ts`).
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

/** Attributes of a freshly built image (`sourceDigest`: the manifest digest of a container-image source). */
export function livenetData(name: string, options: LivenetOptions, sourceDigest?: string): ImageData {
  return {
    name,
    image_class: 'LivenetImage',
    ...livenetRecipeAttributes(options),
    ...(sourceDigest ? { source_digest: sourceDigest } : {}),
    image: initramfsName(options.kernel),
    is_mounted: false,
  };
}
