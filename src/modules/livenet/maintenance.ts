/**
 * Operations on a built livenet image: resize in place and rebuild from its
 * recipe, each published as a new version (rollback is `ImageManager.rollback`).
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ConflictError, UsageError } from '../../errors/index.js';
import { StepReporter, silentProgress } from '../../core/progress.js';
import type { CoreServices } from '../../core/core-services.js';
import type { RebuildOutcome, RebuildServices } from '../../core/image/image.js';
import { checkOsRecipe, withRegistryAuth } from '../../core/os/recipe-prepare.js';
import { run } from '../../system/runner.js';
import { unmountTree } from '../../system/mount.js';
import { buildLivenet, squashRoot } from './build.js';
import { workLayout } from './work-layout.js';
import { loadLivenet, type LivenetOperation } from './image-access.js';
import type { LivenetImage } from './livenet-image.js';
import { checkSourceFits, optionsFromRecipe } from './preflight.js';
import { resizeRootfs } from './rootfs.js';
import { buildEpoch, environmentEpoch } from './reproducible.js';
import { SQUASHFS_FILE } from './squashfs.js';

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
      // The tree is only measured for warnings; the resized rootfs.img is squashed as it is.
      const outcome = await squashRoot(context, name, {
        tree: layout.stage, layout: 'liveos', sizeMiB, compression: image.compression, kernel: String(image.data.kernel), rootfsReady: true,
      }, operation, steps);
      image.data.livenet_size = sizeMiB;
      image.publication = { pendingRoot: outcome.pending, command: `livenet resize ${name} ${sizeMiB}M`, sameTree: true };
      await image.writeBootFile();
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
 * `operation.registryAuth` (UsageError E_SOURCE for a source other than docker://, E_REGISTRY_AUTH...);
 * UsageError E_SOURCE_DATE_EPOCH (a set SOURCE_DATE_EPOCH that is no usable epoch);
 * and the build's (OperationError E_NO_SPACE, UsageError E_TREE_TOO_BIG, CommandError).
 * A warning says when the image's saved epoch changes.
 */
export async function rebuildLivenet(services: RebuildServices, name: string, operation: LivenetOperation = {}): Promise<RebuildOutcome> {
  const context = services.images.context;
  const first = await loadLivenet(services, name);
  // A bad SOURCE_DATE_EPOCH is refused before anything is built.
  environmentEpoch();
  const recipe = await optionsFromRecipe(first.data);
  const warnings = recipe.warnings;
  const options = { ...recipe.options, ...await withRegistryAuth(recipe.options, operation.registryAuth) };
  await checkOsRecipe(context, options, { signal: operation.signal });
  await checkSourceFits(options, operation.signal);
  return services.images.withImageLock(name, async () => {
    const image = await loadLivenet(services, name);
    refuseMounted(image, 'rebuild');
    let pending: string | undefined;
    let manifest: string | undefined;
    try {
      const saved = image.data.source_date_epoch;
      const epoch = buildEpoch(saved);
      const outcome = await buildLivenet(context, name, options, { ...operation, epoch });
      // A new epoch changes every clamped time, so the bytes: say so rather than let it pass as a plain rebuild.
      if (saved !== undefined && epoch !== saved) {
        warnings.push(`the image's epoch changes from ${String(saved)} to ${epoch}${environmentEpoch() === undefined ? '' : ' (SOURCE_DATE_EPOCH)'}: later rebuilds keep it`);
      }
      image.data.source_date_epoch = epoch;
      pending = outcome.pending;
      manifest = outcome.manifest;
      // A tag may have moved since the last build: the digest is what this build pulled (none for other sources).
      if (outcome.sourceDigest) image.data.source_digest = outcome.sourceDigest;
      else delete image.data.source_digest;
      image.publication = { pendingRoot: outcome.pending, command: operation.command ?? `image rebuild ${name}`, treeBytes: outcome.treeBytes,
        manifest: outcome.manifest };
      await image.writeBootFile();
      const published = image.published ?? { id: '', unchanged: false };
      // Same bytes as what nodes boot: no new version, nothing to save.
      if (!published.unchanged) {
        image.data.rebuild_date = new Date().toISOString().slice(0, 10);
        await image.save();
      }
      return { warnings: [...warnings, ...outcome.warnings], version: published.id, unchanged: published.unchanged };
    } finally {
      await rm(workLayout(context, name).work, { recursive: true, force: true });
      if (pending) await rm(pending, { force: true });
      if (manifest) await rm(manifest, { force: true });
    }
  });
}
