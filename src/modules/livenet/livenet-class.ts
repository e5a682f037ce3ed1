/**
 * The livenet image class (what the module exports): load, create, clean,
 * owned locations, preparation, host checks and rebuild. Kept apart from
 * `LivenetImage` so the class can name the build and maintenance code, which
 * themselves use `LivenetImage`, without an import cycle.
 */
import type { BuildJournal } from '../../core/image/build-journal.js';
import type { ImageContext } from '../../core/image/context.js';
import type { CheckScope, Image, ImageClass } from '../../core/image/image.js';
import type { ImageData } from '../../core/image/image-data.js';
import { LivenetImage, livenetData } from './livenet-image.js';
import type { LivenetOptions } from './options.js';
import { workLayout } from './work-layout.js';
import { prepareLivenet } from './preflight.js';
import { rebuildLivenet } from './maintenance.js';
import { buildLivenet } from './build.js';
import { buildEpoch, environmentEpoch } from './reproducible.js';
import { unmountTree } from '../../system/mount.js';
import { removeManagedPath } from '../../core/state/safe-remove.js';
import { requireKernel } from '../../core/os/recipe-prepare.js';
import { checkSourceUsable, sourceScope } from '../../core/os/source-checks.js';

/** The livenet image class: `LivenetImage` objects, built by `buildLivenet`, rebuilt by `rebuildLivenet` (through `ImageManager.rebuild`). */
export const LivenetImageClass: ImageClass<LivenetOptions> = {
  className: 'LivenetImage',
  peerToPeer: true,
  description: 'OS image that nodes download at boot and run in RAM (dracut root=live:)',

  load(context: ImageContext, data: ImageData): Image {
    return new LivenetImage(context, data);
  },

  async create(context: ImageContext, journal: BuildJournal, name: string, options: LivenetOptions): Promise<Image> {
    // No kernel check here: `ImageManager.create` ran `check` on these options just before.
    // The epoch of every build of this image (reproducible.ts): a rebuild of the same tree gives the same bytes.
    const epoch = buildEpoch(undefined);
    const outcome = await buildLivenet(context, name, options, {
      epoch,
      progress: journal.progress,
      signal: journal.signal,
      trackPath: (path) => journal.trackPath(path),
    });
    const image = new LivenetImage(context, { ...livenetData(name, options, outcome.sourceDigest), source_date_epoch: epoch });
    image.warnings = outcome.warnings;
    // Published as the first version by the manager's `writeBootFile`.
    image.publication = { pendingRoot: outcome.pending, command: `livenet create ${name}`, treeBytes: outcome.treeBytes, manifest: outcome.manifest };
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
    // The epoch of the first build: a bad SOURCE_DATE_EPOCH is refused before anything is registered.
    environmentEpoch();
    await requireKernel(context, options.kernel);
    await checkSourceUsable(options.source, sourceScope(context.paths, scope?.sourceRoots));
  },

  rebuild: rebuildLivenet,
};
