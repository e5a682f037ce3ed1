/**
 * NfsStagingImage: an OS tree installed straight into
 * `nfsimages/staging/<name>`, booted read-write over NFS for maintenance and
 * copied into golden images.
 */
import type { ImageContext } from '../../core/image/context.js';
import type { BuildJournal } from '../../core/image/build-journal.js';
import { Image, type CheckScope, type ImageClass } from '../../core/image/image.js';
import type { ImageData } from '../../core/image/image-data.js';
import { StepReporter } from '../../core/progress.js';
import { removeManagedPath } from '../../core/state/safe-remove.js';
import { formatSource, provisionTree } from '../../core/os/sources.js';
import { recipeAttributes } from '../../core/os/recipe-data.js';
import { requireKernel } from '../../core/os/recipe-prepare.js';
import { customizeTree, imageOsRelease } from '../../core/os/customize.js';
import { checkSourceUsable, sourceScope } from '../../core/os/source-checks.js';
import { initramfsName } from '../../core/kernel/kernel-manager.js';
import { nfsBootFile } from '../../boot/ipxe.js';
import { logicalStagingTree, stagingTree } from './nfs-layout.js';
import { prepareStaging, type StagingOptions } from './staging-options.js';

export const STAGING_CLASS = 'NfsStagingImage';

/** A staging NFS image as loaded from its data: its tree, booted read-write by one node for maintenance. */
export class NfsStagingImage extends Image {
  override get kindPhrase(): string { return 'an NFS staging image'; }
  /** Physical folder of the tree. */
  get tree(): string { return stagingTree(this.context.paths, this.name); }


  bootFile(): string | undefined {
    if (typeof this.data.kernel !== 'string') return undefined;
    return nfsBootFile({
      paths: this.context.paths, imageName: this.name, kind: 'staging',
      kernel: this.data.kernel, initramfs: String(this.data.image ?? initramfsName(this.data.kernel)),
      nfsRoot: logicalStagingTree(this.context.paths, this.name), perNode: false, defaultConsole: this.context.config.defaultConsole,
    });
  }
}

export const NfsStagingImageClass: ImageClass<StagingOptions> = {
  className: STAGING_CLASS,
  description: 'OS tree on the NFS server, booted read-write (maintenance, source of golden images)',

  load(context: ImageContext, data: ImageData): Image {
    return new NfsStagingImage(context, data);
  },

  async create(context: ImageContext, journal: BuildJournal, name: string, options: StagingOptions): Promise<Image> {
    const steps = new StepReporter(journal.progress, 3);
    const kernel = await context.kernels.requireAvailable(options.kernel);
    const tree = await journal.trackPath(stagingTree(context.paths, name));
    // No image owns a leftover tree of this name (the manager checked): never install on top of one.
    await removeManagedPath(tree, context.paths.managedRoots);
    steps.step(`install the OS into ${tree} (${formatSource(options.source)})`);
    const provisioned = await provisionTree(tree, {
      source: options.source, type: options.type, release: options.release, packages: options.packages, repos: options.repos,
      optimize: options.optimize, progress: journal.progress, signal: journal.signal, scratchDir: context.paths.workDir,
      pull: { registryAuth: options.registryAuth, tlsVerify: options.tlsVerify !== false },
    });
    journal.checkAborted();
    steps.step('set password, SSH key and image identity');
    await customizeTree(tree, {
      passwordHash: options.passwordHash, sshPublicKey: options.sshKey, selinux: options.selinux,
      osRelease: imageOsRelease(name, kernel.kernel),
    });
    steps.step('write boot file');
    return new NfsStagingImage(context, {
      name, image_class: STAGING_CLASS, ...recipeAttributes(options, 'os_type'), kernel: kernel.kernel, image: kernel.initramfs,
      ...(provisioned.sourceDigest ? { source_digest: provisioned.sourceDigest } : {}),
    });
  },

  async clean(context: ImageContext, name: string): Promise<void> {
    await removeManagedPath(stagingTree(context.paths, name), context.paths.managedRoots);
  },

  ownedPaths(context: ImageContext, name: string): string[] {
    return [stagingTree(context.paths, name)];
  },

  prepare: prepareStaging,

  /** The cheap host checks, run again by the manager just before a build registers (packages are checked by `prepare`). */
  async check(context: ImageContext, options: StagingOptions, scope?: CheckScope): Promise<void> {
    await requireKernel(context, options.kernel);
    await checkSourceUsable(options.source, sourceScope(context.paths, scope?.sourceRoots));
  },
};
