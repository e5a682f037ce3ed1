/**
 * Operations on a built livenet image: resize in place, rebuild from its
 * recipe, and roll back to the previously published squashfs.img.
 */
import { mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ConflictError, UsageError } from '../../errors/index.js';
import { StepReporter, silentProgress } from '../../core/progress.js';
import type { CoreServices } from '../../core/core-services.js';
import type { RebuildServices } from '../../core/image/image.js';
import { checkOsRecipe } from '../../core/os/recipe-prepare.js';
import { run } from '../../system/runner.js';
import { unmountTree } from '../../system/mount.js';
import { buildLivenet, squashAndPublish } from './build.js';
import { workLayout } from './work-layout.js';
import { loadLivenet, rememberPublished, type LivenetOperation } from './image-access.js';
import type { LivenetImage } from './livenet-image.js';
import { checkSourceFits, optionsFromRecipe } from './preflight.js';
import { resizeRootfs } from './rootfs.js';
import { SQUASHFS_FILE, swapWithPrevious } from './squashfs.js';

function refuseMounted(image: LivenetImage, action: string): void {
  if (image.isMounted) {
    throw new ConflictError('E_IMAGE_MOUNTED', `cannot ${action} image "${image.name}" while it is mounted`,
      `unmount it first with \`disklessset livenet unmount ${image.name}\``);
  }
}

/**
 * Grows or shrinks LiveOS/rootfs.img to `sizeMiB` (e2fsprogs, in place) and republishes.
 * @throws UsageError E_IMAGE_NAME, E_NOT_LIVENET; NotFoundError E_IMAGE_NOT_FOUND; ConflictError E_IMAGE_NOT_READY, E_IMAGE_MOUNTED, E_LOCK_TIMEOUT;
 * UsageError E_LAYOUT_FLAT (a flat image has no size), E_TREE_TOO_BIG (the
 * content does not fit); OperationError E_FS_DAMAGED, E_RESIZE, E_NO_SPACE;
 * CommandError when an e2fsprogs or squashfs tool fails.
 */
export async function resizeLivenet(services: CoreServices, name: string, sizeMiB: number, operation: LivenetOperation = {}): Promise<{
  warnings: string[]; }> {
  return services.images.withImageLock(name, async () => {
    const image = await loadLivenet(services, name);
    refuseMounted(image, 'resize');
    if (image.layout === 'flat') {
      throw new UsageError('E_LAYOUT_FLAT', `image "${name}" uses the flat layout: it has no fixed size to change`, 'only liveos images are resized');
    }
    if (image.sizeMiB === sizeMiB) return { warnings: [] };
    const context = services.images.context;
    const layout = workLayout(context, name);
    const steps = new StepReporter(operation.progress ?? silentProgress, 5);
    await unmountTree(layout.work);
    await rm(layout.work, { recursive: true, force: true });
    await mkdir(layout.work, { recursive: true });
    try {
      steps.step(`resize LiveOS/rootfs.img from ${image.sizeMiB ?? '?'} to ${sizeMiB} MiB`);
      await run(['unsquashfs', '-no-progress', '-quiet', '-d', layout.stage, join(image.imageDirectory, SQUASHFS_FILE)],
        { timeoutMs: 3600_000, signal: operation.signal });
      await resizeRootfs(layout.rootfs, sizeMiB, operation.signal);
      const previous = rememberPublished(image);
      // The tree is only measured for warnings; the resized rootfs.img is squashed as it is.
      const outcome = await squashAndPublish(context, name, {
        tree: layout.stage, layout: 'liveos', sizeMiB, compression: image.compression, kernel: String(image.data.kernel), rootfsReady: true,
      }, operation, steps);
      image.data.livenet_size = sizeMiB;
      image.data.previous = previous;
      await image.save();
      return { warnings: outcome.warnings };
    } finally {
      await rm(layout.work, { recursive: true, force: true });
    }
  });
}

/**
 * Builds the image again from its recipe (same source, type, packages, password...) and republishes it.
 * @throws UsageError E_IMAGE_NAME, E_NOT_LIVENET; NotFoundError E_IMAGE_NOT_FOUND; ConflictError E_IMAGE_NOT_READY, E_IMAGE_MOUNTED, E_LOCK_TIMEOUT;
 * the recipe's own codes (UsageError for a recipe that no longer parses or a
 * source, kernel or package now missing; UnavailableError E_TOOL_MISSING);
 * and the build's (OperationError E_NO_SPACE, UsageError E_TREE_TOO_BIG, CommandError).
 */
export async function rebuildLivenet(services: RebuildServices, name: string, operation: LivenetOperation = {}): Promise<{ warnings: string[] }> {
  const context = services.images.context;
  const first = await loadLivenet(services, name);
  const { options, warnings } = await optionsFromRecipe(first.data);
  await checkOsRecipe(context, options, { signal: operation.signal });
  await checkSourceFits(options, operation.signal);
  return services.images.withImageLock(name, async () => {
    const image = await loadLivenet(services, name);
    refuseMounted(image, 'rebuild');
    const previous = rememberPublished(image);
    try {
      const outcome = await buildLivenet(context, name, options, operation);
      image.data.previous = previous;
      image.data.rebuild_date = new Date().toISOString().slice(0, 10);
      // A tag may have moved since the last build: the digest is what this build pulled (none for other sources).
      if (outcome.sourceDigest) image.data.source_digest = outcome.sourceDigest;
      else delete image.data.source_digest;
      await image.writeBootFile();
      await image.save();
      return { warnings: [...warnings, ...outcome.warnings] };
    } finally {
      await rm(workLayout(context, name).work, { recursive: true, force: true });
      await rm(join(image.imageDirectory, `.${SQUASHFS_FILE}.new`), { force: true });
    }
  });
}

/** Inode of the published squashfs.img: which build it is (renames keep it). */
async function publishedInode(image: LivenetImage): Promise<number | undefined> {
  return (await stat(join(image.imageDirectory, SQUASHFS_FILE)).catch(() => undefined))?.ino;
}

/**
 * Restores the previous squashfs.img (and its size, layout and compression);
 * the current one becomes the previous. Idempotent: when the published file
 * is the one a rollback restored, nothing changes (`changed: false`), so
 * running it twice never swaps back. A new rebuild, resize or unmount
 * publishes a new file, which can be rolled back in turn.
 * @throws UsageError E_NOT_LIVENET; NotFoundError E_IMAGE_NOT_FOUND, E_NO_PREVIOUS; ConflictError E_IMAGE_MOUNTED, E_LOCK_TIMEOUT.
 */
export async function rollbackLivenet(services: CoreServices, name: string): Promise<{ image: LivenetImage; changed: boolean }> {
  return services.images.withImageLock(name, async () => {
    const image = await loadLivenet(services, name);
    refuseMounted(image, 'roll back');
    const restored = image.data.rolled_back_inode;
    if (restored !== undefined && restored === await publishedInode(image)) return { image, changed: false };
    await swapWithPrevious(image.imageDirectory);
    const now = rememberPublished(image);
    const previous = (image.data.previous ?? {}) as Record<string, unknown>;
    for (const key of ['livenet_size', 'layout', 'compression'] as const) if (previous[key] !== undefined) image.data[key] = previous[key];
    // The digest of the restored file's source (null: it came from no container image).
    if (previous.source_digest === null) delete image.data.source_digest;
    else if (typeof previous.source_digest === 'string') image.data.source_digest = previous.source_digest;
    image.data.previous = now;
    image.data.rolled_back_inode = await publishedInode(image);
    await image.writeBootFile();
    await image.save();
    return { image, changed: true };
  });
}
