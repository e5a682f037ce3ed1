/**
 * LivenetImage: an OS that nodes download over HTTP at boot and run from RAM
 * (dracut `root=live:`). Its folder holds squashfs.img, boot.ipxe and
 * image_data.yml; its scratch space is `workdir/<name>`.
 */
import { Image } from '../../core/image/image.js';
import type { ImageData } from '../../core/image/image-data.js';
import { initramfsName } from '../../core/kernel/kernel-manager.js';
import { livenetBootFile } from '../../boot/ipxe.js';
import { isVersionId } from '../../core/names.js';
import { pruneVersions, versionRootFile } from '../../core/image/versions.js';
import { SQUASHFS_FILE } from './squashfs.js';
import { initramfsWarnings } from './checks.js';
import { publishVersion, type Publication } from './publication.js';
import { shareSources } from '../../core/image/share-sources.js';
import type { ShareSources } from '../../core/image/version-share.js';
import { pinnedVersions } from '../../core/nodes/pinned.js';
import { COMPRESSIONS, livenetRecipeAttributes, type Compression, type Layout, type LivenetOptions } from './options.js';

/**
 * A livenet image as loaded from its `image_data.yml`: boot file (kernel,
 * initramfs, `root=live:` URL of squashfs.img), warnings of its build, and
 * its layout and sizes. Built by the livenet image class's `create` (`livenet-class.ts`).
 */
export class LivenetImage extends Image {
  override get kindPhrase(): string { return 'a livenet image'; }
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

  /** What the next {@link writeBootFile} publishes (a new root image, the command); none: the data as it is now. */
  publication?: Publication;
  /** Outcome of the last publication: the version id, and whether it was the current one already. */
  published?: { id: string; unchanged: boolean };

  /** The version nodes boot now (undefined for an image made before versions, until its next publication). */
  get version(): string | undefined {
    return isVersionId(this.data.version) ? this.data.version : undefined;
  }

  bootFile(): string {
    return this.bootFileWith(this.version === undefined ? SQUASHFS_FILE : versionRootFile(this.version));
  }

  /** Boot file of version `id`: the same settings, with that version's root file. */
  bootFileOf(id: string): string {
    return this.bootFileWith(versionRootFile(id));
  }

  bootSettings(): Record<string, unknown> {
    return { layout: this.layout, selinux: this.data.selinux === true };
  }

  /** The tracker of this installation, for the version's torrent (torrents name no web seeds: the servers stay the fetch script's fallback). */
  shareSources(): ShareSources {
    return shareSources(this.context.config);
  }

  /**
   * Publishes the image as a version (see publication.ts): the root image of
   * {@link publication} or the current one, with the kernel and settings of
   * the data. The caller saves the data next, which commits it.
   */
  override async writeBootFile(): Promise<void> {
    const publication = this.publication ?? { command: 'republish' };
    this.publication = undefined;
    this.published = await publishVersion(this, publication);
  }

  /** Saves the data, then drops versions beyond `versions_kept` (never the current one, nor one a node is pinned to). */
  override async save(): Promise<void> {
    await super.save();
    if (this.version === undefined) return;
    const pinned = await pinnedVersions(this.context.paths, this.name);
    if (pinned === undefined) return;
    const protect = new Set([this.version, ...pinned]);
    await pruneVersions(this.imageDirectory, this.context.config.versionsKept, protect);
  }

  private bootFileWith(squashfsFile: string): string {
    const kernel = String(this.data.kernel);
    return livenetBootFile(this.context.paths, {
      name: this.name,
      kernel,
      initramfs: typeof this.data.image === 'string' ? this.data.image : initramfsName(kernel),
      selinux: this.data.selinux === true,
      layout: this.layout,
      squashfsFile,
      defaultConsole: this.context.config.defaultConsole,
    });
  }


  override async onKernelChange(kernel: string): Promise<void> {
    this.warnings = await initramfsWarnings(this.context.paths, kernel);
    // The kernel is part of what nodes fetch: the manager's `writeBootFile` publishes a version with the same root image.
    this.publication = { command: `image set-kernel ${this.name} ${kernel}` };
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
